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

    /// <summary>Returns the first non-null value of <paramref name="probe"/>; fails the test naming <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan within, CancellationToken cancellationToken)
        where T : class
    {
        T? value = null;
        await TrueAsync(async () => (value = await probe()) is not null, what, within, cancellationToken);
        return value!;
    }

    /// <summary>Returns the first value of <paramref name="probe"/> that is not null; fails the test naming <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan within, CancellationToken cancellationToken)
        where T : struct
    {
        T? value = null;
        await TrueAsync(async () => (value = await probe()) is not null, what, within, cancellationToken);
        return value!.Value;
    }
}
