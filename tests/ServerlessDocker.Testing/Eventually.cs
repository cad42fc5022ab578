namespace ServerlessDocker.Testing;

/// <summary>Polls a condition that becomes true asynchronously (a reload, a queued call, a removal).</summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan within, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"timed out after {within.TotalSeconds:0}s waiting for {what}");
    }
}
