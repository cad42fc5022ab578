namespace ServerlessDocker;

/// <summary>
/// A function running in the background (the seed's <c>detach=True</c>). Disposing the handle removes it; disposal
/// never throws.
/// </summary>
/// <remarks>A backend subclasses it and implements <see cref="RemoveAsync"/>; the base runs the removal once and then
/// the cleanups of the run's hooks.</remarks>
public abstract class DetachedRun : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanups = [];
    private int _disposed;

    /// <summary>The container (or service) id.</summary>
    public abstract string Id { get; }

    /// <summary>The image that runs.</summary>
    public abstract string Image { get; }

    /// <summary>Waits until the function exits and returns its result. Does not remove it.</summary>
    public abstract Task<ContainerResult> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the function's output as events; with <paramref name="follow"/>, keeps reading until it exits.</summary>
    public abstract IAsyncEnumerable<ContainerEvent> ReadLogsAsync(bool follow = true, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies the function's output byte for byte: stdout into <paramref name="standardOutput"/>, stderr into
    /// <paramref name="standardError"/>; with <paramref name="follow"/>, until it exits.
    /// </summary>
    public abstract Task CopyLogsToAsync(Stream standardOutput, Stream standardError, bool follow = false, CancellationToken cancellationToken = default);

    /// <summary>Kills the function (SIGKILL). Does not remove it; dispose the handle for that.</summary>
    public abstract Task KillAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the function, killing it first if it still runs, then cleans up after its hooks. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await RemoveAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Disposal never throws; prune (by label) removes what could not be removed now.
        }

        await Cleanups.DisposeQuietlyAsync(_cleanups).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes what the backend created for the run (killing it first if it still runs).</summary>
    protected abstract ValueTask RemoveAsync();

    internal void AddCleanups(IEnumerable<IAsyncDisposable> cleanups) => _cleanups.AddRange(cleanups);
}
