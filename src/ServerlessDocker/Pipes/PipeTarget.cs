using System.Text;

namespace ServerlessDocker;

/// <summary>
/// Where a container's stdout or stderr goes. A target reads the stream until its end; while it is slow,
/// the container is slowed down too (bounded buffering), so any amount of output streams in bounded memory.
/// </summary>
public abstract class PipeTarget
{
    /// <summary>Reads <paramref name="source"/> (the container's output) until its end.</summary>
    public abstract Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default);

    /// <summary>True for <see cref="Null"/>, which discards everything.</summary>
    public bool IsNull => this is NullTarget;

    /// <summary>Discards the output.</summary>
    public static PipeTarget Null { get; } = new NullTarget();

    /// <summary>Writes the output to a stream.</summary>
    public static PipeTarget ToStream(Stream stream) => new StreamTarget(stream);

    /// <summary>Appends the output, decoded as UTF-8 unless another encoding is given, to a string builder.</summary>
    public static PipeTarget ToStringBuilder(StringBuilder builder, Encoding? encoding = null) =>
        new DelegateTarget(async (source, ct) =>
        {
            using var reader = new StreamReader(source, encoding ?? Encoding.UTF8, false, 16384, leaveOpen: true);
            var buffer = new char[8192];
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
            {
                builder.Append(buffer, 0, read);
            }
        });

    /// <summary>Calls <paramref name="handleLine"/> for every line of output (without its line break).</summary>
    public static PipeTarget ToDelegate(Action<string> handleLine, Encoding? encoding = null) =>
        ToDelegate((line, _) => { handleLine(line); return Task.CompletedTask; }, encoding);

    /// <summary>Calls <paramref name="handleLineAsync"/> for every line of output (without its line break).</summary>
    public static PipeTarget ToDelegate(Func<string, CancellationToken, Task> handleLineAsync, Encoding? encoding = null) =>
        new DelegateTarget(async (source, ct) =>
        {
            using var reader = new StreamReader(source, encoding ?? Encoding.UTF8, false, 16384, leaveOpen: true);
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                await handleLineAsync(line, ct).ConfigureAwait(false);
            }
        });

    /// <summary>A target that consumes the output stream itself (for example to parse headers, then stream a body).</summary>
    public static PipeTarget Create(Func<Stream, CancellationToken, Task> copyFromAsync) => new DelegateTarget(copyFromAsync);

    /// <summary>Sends the same output to several targets.</summary>
    public static PipeTarget Merge(params IEnumerable<PipeTarget> targets)
    {
        var real = targets.Where(t => !t.IsNull).ToArray();
        return real.Length switch
        {
            0 => Null,
            1 => real[0],
            _ => new MergedTarget(real),
        };
    }

    private sealed class NullTarget : PipeTarget
    {
        public override Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default) =>
            source.CopyToAsync(Stream.Null, cancellationToken);
    }

    private sealed class StreamTarget(Stream stream) : PipeTarget
    {
        public override async Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default)
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                // Flush per chunk: a reader on the other side (a terminal, an HTTP response) should see output as it happens.
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class DelegateTarget(Func<Stream, CancellationToken, Task> copy) : PipeTarget
    {
        public override Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default) =>
            copy(source, cancellationToken);
    }

    private sealed class MergedTarget(PipeTarget[] targets) : PipeTarget
    {
        public override async Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default)
        {
            // Each target gets its own bounded pipe; the slowest one sets the pace.
            var pipes = targets.Select(_ => new System.IO.Pipelines.Pipe(Internal.OutputPump.PipeOptions)).ToArray();
            var consumers = targets.Select((t, i) => Internal.OutputPump.ConsumeAsync(t, pipes[i].Reader, cancellationToken)).ToArray();
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                foreach (var pipe in pipes)
                {
                    await Internal.OutputPump.WriteAsync(pipe.Writer, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var pipe in pipes)
            {
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(consumers).ConfigureAwait(false);
        }
    }
}
