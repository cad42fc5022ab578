using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>A detached function container on the local engine.</summary>
internal sealed class LocalDetachedRun(
    LocalEngineBackend backend, string id, string image, TimeProvider time, IReadOnlyList<IAsyncDisposable> cleanups) : DetachedRun
{
    private readonly DateTimeOffset _startTime = time.GetUtcNow();
    private int _disposed;

    public override string Id => id;

    public override string Image => image;

    public override async Task<ContainerResult> WaitAsync(CancellationToken cancellationToken = default)
    {
        var wait = await backend.Client.Containers.WaitContainerAsync(id, cancellationToken).ConfigureAwait(false);
        return new ContainerResult(id, wait.StatusCode, _startTime, time.GetUtcNow());
    }

    public override async IAsyncEnumerable<ContainerEvent> ReadLogsAsync(
        bool follow = true, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stream = await backend.Client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
        {
            Follow = follow, ShowStdout = true, ShowStderr = true,
        }, cancellationToken).ConfigureAwait(false);

        // Split each stream into lines independently: stdout and stderr frames interleave.
        var channel = Channel.CreateBounded<ContainerEvent>(256);
        var producer = Task.Run(async () =>
        {
            var stdout = new LineSplitter(line => new StandardOutputContainerEvent(line));
            var stderr = new LineSplitter(line => new StandardErrorContainerEvent(line));
            var buffer = new byte[16384];
            try
            {
                while (true)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                    if (read.EOF)
                    {
                        break;
                    }

                    var splitter = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
                    foreach (var e in splitter.Push(buffer.AsSpan(0, read.Count)))
                    {
                        await channel.Writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
                    }
                }

                foreach (var e in stdout.Flush().Concat(stderr.Flush()))
                {
                    await channel.Writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
                }

                channel.Writer.Complete();
            }
            catch (Exception ex)
            {
                channel.Writer.Complete(ex);
            }
        }, cancellationToken);

        await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }

        await producer.ConfigureAwait(false);
    }

    public override Task KillAsync(CancellationToken cancellationToken = default) =>
        EngineErrors.CallAsync(backend.Endpoint, $"kill container {id}", async () =>
        {
            try
            {
                await backend.Client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // Not running any more: the kill's goal is reached.
            }
        });

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await backend.RemoveQuietlyAsync(id).ConfigureAwait(false);
        foreach (var cleanup in cleanups)
        {
            await cleanup.DisposeAsync().ConfigureAwait(false);
        }
    }
}
