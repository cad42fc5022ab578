using System.IO.Pipelines;
using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>
/// Reads a finished service's logs (gathered by the manager from whichever node ran the task) and splits them
/// back into stdout and stderr.
/// </summary>
internal static class SwarmLogReader
{
    public static async Task<MultiplexedStream> OpenAsync(DockerClient client, Uri endpoint, string serviceId, bool follow, CancellationToken cancellationToken) =>
        await EngineErrors.CallAsync(endpoint, "read the service's logs", () =>
            client.Swarm.GetServiceLogsAsync(serviceId, false, new ServiceLogsParameters
            {
                ShowStdout = true, ShowStderr = true, Follow = follow, Timestamps = false, Details = false,
            }, cancellationToken)).ConfigureAwait(false);

    /// <summary>Streams the logs into the command's pipe targets, keeping tails for error messages.</summary>
    public static async Task PumpAsync(
        MultiplexedStream logs, PipeTarget stdoutTarget, PipeTarget stderrTarget, TailBuffer stdoutTail, TailBuffer stderrTail,
        CancellationToken cancellationToken)
    {
        var stdoutPipe = new Pipe(OutputPump.PipeOptions);
        var stderrPipe = new Pipe(OutputPump.PipeOptions);
        var stdoutTask = OutputPump.ConsumeAsync(stdoutTarget, stdoutPipe.Reader, cancellationToken);
        var stderrTask = OutputPump.ConsumeAsync(stderrTarget, stderrPipe.Reader, cancellationToken);
        var buffer = new byte[81920];
        try
        {
            while (true)
            {
                var read = await logs.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var chunk = buffer.AsMemory(0, read.Count);
                if (read.Target == MultiplexedStream.TargetStream.StandardError)
                {
                    stderrTail.Append(chunk.Span);
                    await OutputPump.WriteAsync(stderrPipe.Writer, chunk, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    stdoutTail.Append(chunk.Span);
                    await OutputPump.WriteAsync(stdoutPipe.Writer, chunk, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await stdoutPipe.Writer.CompleteAsync().ConfigureAwait(false);
            await stderrPipe.Writer.CompleteAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(stdoutTask, stderrTask).ConfigureAwait(false);
    }

    /// <summary>Collects both streams in memory, each capped at <paramref name="limit"/> bytes.</summary>
    public static async Task<(string StandardOutput, string StandardError)> CollectAsync(
        MultiplexedStream logs, long limit, string image, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var buffer = new byte[81920];
        while (true)
        {
            var read = await logs.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                break;
            }

            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
            if (target.Length + read.Count > limit)
            {
                throw new OutputLimitExceededException(image, limit);
            }

            target.Write(buffer, 0, read.Count);
        }

        return (System.Text.Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length),
            System.Text.Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)stderr.Length));
    }
}
