using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>
/// One run as a Swarm service: polls its task until it exits (or is rejected, stuck pending, or its node is lost),
/// then reads stdout and stderr from the service logs. Removing it removes the service, secrets and configs.
/// </summary>
internal sealed class SwarmRun(
    SwarmBackend backend, FunctionRunContext context, SwarmOptions options, SwarmRunResources resources, string serviceId,
    DateTimeOffset createdAt) : IFunctionRun
{
    public string Id => serviceId;

    public async Task<FunctionExit> RunToExitAsync(CancellationToken cancellationToken)
    {
        var image = context.Command.Image;
        var (task, hostname) = await backend.Watcher(options)
            .WaitForExitAsync(image, serviceId, createdAt, context.ReportId, cancellationToken).ConfigureAwait(false);

        // The task is done and its node is up: the logs are complete. Bounded all the same, a node can still vanish.
        using var logTimeout = new CancellationTokenSource(options.LogReadTimeout, backend.Time);
        using var logCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, logTimeout.Token);
        try
        {
            using var logs = await SwarmLogReader.OpenAsync(backend.Client, backend.Endpoint, serviceId, follow: false, logCts.Token)
                .ConfigureAwait(false);
            await MultiplexedOutput.CopyAsync(logs, context, logCts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && logCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SwarmTaskRejectedException(image, serviceId, task.ID, task.NodeID, "finished",
                $"its logs could not be read within {options.LogReadTimeout.TotalSeconds:0}s (the node may have left)");
        }

        return new FunctionExit(task.Status?.ContainerStatus?.ExitCode ?? 0, hostname);
    }

    public Task<DetachedRun> StartDetachedAsync(CancellationToken cancellationToken) =>
        // A service starts its task as soon as it is created.
        Task.FromResult<DetachedRun>(new SwarmDetachedRun(backend, serviceId, context.Command.Image, createdAt, resources));

    // Removing the service ends its task at once: there is nothing to stop first.
    public Task StopAsync(TimeSpan gracePeriod) => Task.CompletedTask;

    public ValueTask DisposeAsync() => resources.DisposeAsync();
}
