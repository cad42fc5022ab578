using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>A detached function container on the local engine.</summary>
internal sealed class LocalDetachedRun(LocalEngineBackend backend, string id, string image, DateTimeOffset startTime) : DetachedRun
{
    public override string Id => id;

    public override string Image => image;

    public override async Task<ContainerResult> WaitAsync(CancellationToken cancellationToken = default)
    {
        var wait = await backend.CallAsync($"wait for container {id}", () =>
            backend.Client.Containers.WaitContainerAsync(id, cancellationToken)).ConfigureAwait(false);
        return new ContainerResult(id, wait.StatusCode, startTime, backend.Time.GetUtcNow());
    }

    public override async IAsyncEnumerable<ContainerEvent> ReadLogsAsync(
        bool follow = true, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var stream = await backend.CallAsync($"read the logs of container {id}", () =>
            backend.Client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
            {
                Follow = follow, ShowStdout = true, ShowStderr = true,
            }, cancellationToken)).ConfigureAwait(false);

        await foreach (var e in MultiplexedOutput.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    public override async Task CopyLogsToAsync(
        Stream standardOutput, Stream standardError, bool follow = false, CancellationToken cancellationToken = default)
    {
        using var stream = await backend.CallAsync($"read the logs of container {id}", () =>
            backend.Client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
            {
                Follow = follow, ShowStdout = true, ShowStderr = true,
            }, cancellationToken)).ConfigureAwait(false);
        await MultiplexedOutput.CopyToStreamsAsync(stream, standardOutput, standardError, cancellationToken).ConfigureAwait(false);
    }

    public override Task KillAsync(CancellationToken cancellationToken = default) =>
        backend.CallAsync($"kill container {id}", async () =>
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

    protected override async ValueTask RemoveAsync() => await backend.RemoveQuietlyAsync(id).ConfigureAwait(false);
}
