namespace ServerlessDocker;

/// <summary>Disposes what a run leaves to clean up, never letting a cleanup hide the run's own outcome.</summary>
internal static class Cleanups
{
    public static async Task DisposeQuietlyAsync(IEnumerable<IAsyncDisposable> cleanups)
    {
        foreach (var cleanup in cleanups)
        {
            await DisposeQuietlyAsync(cleanup).ConfigureAwait(false);
        }
    }

    public static async Task DisposeQuietlyAsync(IAsyncDisposable cleanup)
    {
        try
        {
            await cleanup.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort: prune (by label) removes whatever a failed cleanup leaves.
        }
    }
}
