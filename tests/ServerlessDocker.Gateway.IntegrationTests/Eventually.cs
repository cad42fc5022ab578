namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>Polls a condition that becomes true asynchronously (a reload, a queued call, a removal).</summary>
internal static class Eventually
{
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
