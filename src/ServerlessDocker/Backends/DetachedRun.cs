namespace ServerlessDocker;

/// <summary>
/// A function running in the background (the seed's <c>detach=True</c>). Disposing the handle removes it.
/// </summary>
public abstract class DetachedRun : IAsyncDisposable
{
    /// <summary>The container (or service) id.</summary>
    public abstract string Id { get; }

    /// <summary>The image that runs.</summary>
    public abstract string Image { get; }

    /// <summary>Waits until the function exits and returns its result. Does not remove it.</summary>
    public abstract Task<ContainerResult> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the function's output as events; with <paramref name="follow"/>, keeps reading until it exits.</summary>
    public abstract IAsyncEnumerable<ContainerEvent> ReadLogsAsync(bool follow = true, CancellationToken cancellationToken = default);

    /// <summary>Kills the function (SIGKILL). Does not remove it; dispose the handle for that.</summary>
    public abstract Task KillAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the function, killing it first if it still runs.</summary>
    public abstract ValueTask DisposeAsync();
}
