using System.Runtime.CompilerServices;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>
/// A function running in the background as a Swarm service. <see cref="Id"/> is the service id; disposing the
/// handle removes the service (and its per-run secrets and configs).
/// </summary>
public sealed class SwarmDetachedRun : DetachedRun
{
    private readonly SwarmBackend _backend;
    private readonly DateTimeOffset _startTime;
    private readonly SwarmRunResources _resources;

    internal SwarmDetachedRun(SwarmBackend backend, string serviceId, string image, DateTimeOffset startTime, SwarmRunResources resources)
    {
        _backend = backend;
        Id = serviceId;
        Image = image;
        _startTime = startTime;
        _resources = resources;
    }

    /// <summary>The service id.</summary>
    public override string Id { get; }

    /// <inheritdoc />
    public override string Image { get; }

    /// <summary>The node the task ran on, once <see cref="WaitAsync"/> has returned.</summary>
    public string? NodeHostname { get; private set; }

    /// <inheritdoc />
    /// <remarks>Throws the Swarm errors (<see cref="SwarmTaskRejectedException"/>, <see cref="SwarmTaskPendingException"/>,
    /// <see cref="SwarmNodeLostException"/>) when the task cannot reach an exit code. The result's id is the task id.</remarks>
    public override async Task<ContainerResult> WaitAsync(CancellationToken cancellationToken = default)
    {
        var (task, hostname) = await _backend.Watcher(_backend.Options)
            .WaitForExitAsync(Image, Id, _startTime, null, cancellationToken).ConfigureAwait(false);
        NodeHostname = hostname;
        return new ContainerResult(task.ID, task.Status?.ContainerStatus?.ExitCode ?? 0, _startTime, _backend.Time.GetUtcNow());
    }

    /// <inheritdoc />
    /// <remarks>Service logs are read once the task has exited: with <paramref name="follow"/> this waits for the exit
    /// first, then yields every line; without it, it yields what the task has written so far.</remarks>
    public override async IAsyncEnumerable<ContainerEvent> ReadLogsAsync(
        bool follow = true, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (follow)
        {
            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var logs = await SwarmLogReader.OpenAsync(_backend.Client, _backend.Endpoint, Id, follow: false, cancellationToken).ConfigureAwait(false);
        await foreach (var e in MultiplexedOutput.ReadLinesAsync(logs, cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    /// <inheritdoc />
    /// <remarks>As with <see cref="ReadLogsAsync"/>, service logs are read once the task has exited.</remarks>
    public override async Task CopyLogsToAsync(
        Stream standardOutput, Stream standardError, bool follow = false, CancellationToken cancellationToken = default)
    {
        if (follow)
        {
            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var logs = await SwarmLogReader.OpenAsync(_backend.Client, _backend.Endpoint, Id, follow: false, cancellationToken).ConfigureAwait(false);
        await MultiplexedOutput.CopyToStreamsAsync(logs, standardOutput, standardError, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the task (scales the service to zero replicas: SIGTERM, then SIGKILL after the grace period).
    /// The service stays, so its logs can still be read; dispose the handle to remove it.</summary>
    public override async Task KillAsync(CancellationToken cancellationToken = default)
    {
        var client = _backend.Client;
        var service = await EngineErrors.CallAsync(_backend.Endpoint, "inspect the service", () =>
            client.Swarm.InspectServiceAsync(Id, cancellationToken)).ConfigureAwait(false);
        var spec = service.Spec ?? throw new EngineApiException("inspect the service", System.Net.HttpStatusCode.InternalServerError, "the service has no spec");
        spec.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 0 } };
        await EngineErrors.CallAsync(_backend.Endpoint, "scale the service to zero", () =>
            client.Swarm.UpdateServiceAsync(Id, new ServiceUpdateParameters
            {
                Service = spec, Version = (long)(service.Version?.Index ?? 0),
            }, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Removes the service and what was created for it.</summary>
    protected override ValueTask RemoveAsync() => _resources.DisposeAsync();
}
