using System.Runtime.CompilerServices;
using Docker.DotNet;

namespace ServerlessDocker.Internal;

/// <summary>The one demultiplexer of the engine's stdout/stderr frames (attach, container logs, service logs).</summary>
internal static class MultiplexedOutput
{
    private const int BufferSize = 81920;

    /// <summary>Copies every frame into the run's stdout or stderr until the stream ends.</summary>
    public static async Task CopyAsync(MultiplexedStream stream, FunctionRunContext context, CancellationToken cancellationToken)
    {
        await foreach (var (isStderr, chunk) in ReadFramesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            await (isStderr
                ? context.WriteStandardErrorAsync(chunk, cancellationToken)
                : context.WriteStandardOutputAsync(chunk, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Copies every frame, unchanged, into one of two streams until the stream ends.</summary>
    public static async Task CopyToStreamsAsync(
        MultiplexedStream stream, Stream standardOutput, Stream standardError, CancellationToken cancellationToken)
    {
        await foreach (var (isStderr, chunk) in ReadFramesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            var target = isStderr ? standardError : standardOutput;
            await target.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the frames as line events, each stream split into lines on its own (their frames interleave).</summary>
    public static async IAsyncEnumerable<ContainerEvent> ReadLinesAsync(
        MultiplexedStream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stdout = new LineSplitter(line => new StandardOutputContainerEvent(line));
        var stderr = new LineSplitter(line => new StandardErrorContainerEvent(line));
        await foreach (var (isStderr, chunk) in ReadFramesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in (isStderr ? stderr : stdout).Push(chunk.Span))
            {
                yield return e;
            }
        }

        foreach (var e in stdout.Flush().Concat(stderr.Flush()))
        {
            yield return e;
        }
    }

    /// <summary>Yields each frame; the chunk is only valid until the next one is read.</summary>
    private static async IAsyncEnumerable<(bool IsStandardError, ReadOnlyMemory<byte> Chunk)> ReadFramesAsync(
        MultiplexedStream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                yield break;
            }

            yield return (read.Target == MultiplexedStream.TargetStream.StandardError, buffer.AsMemory(0, read.Count));
        }
    }
}
