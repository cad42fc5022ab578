namespace ServerlessDocker.Gateway.Configuration;

/// <summary>How an asynchronous call is retried when it fails (non-zero exit, timeout, 5xx, engine error).</summary>
public sealed record RetryPolicy
{
    /// <summary>The default policy: 3 attempts, 1 s then doubling, at most 30 s apart.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>Total attempts, the first included (1 = never retry).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before the second attempt.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of any delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Factor applied to the delay after each failed attempt.</summary>
    public double Multiplier { get; init; } = 2.0;

    /// <summary>
    /// The delay to wait after <paramref name="failedAttempts"/> failed attempts, or null when no attempt is left.
    /// </summary>
    /// <param name="failedAttempts">Attempts made so far (1 after the first failure).</param>
    public TimeSpan? DelayAfter(int failedAttempts)
    {
        if (failedAttempts < 1 || failedAttempts >= MaxAttempts)
        {
            return null;
        }

        // Exponential backoff, computed in double so large attempt counts saturate at MaxBackoff instead of overflowing.
        var ticks = InitialBackoff.Ticks * Math.Pow(Multiplier, failedAttempts - 1);
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>When the next attempt is due, on the given clock, or null when no attempt is left.</summary>
    /// <param name="time">The clock (a FakeTimeProvider in tests).</param>
    /// <param name="failedAttempts">Attempts made so far.</param>
    public DateTimeOffset? NextAttemptAt(TimeProvider time, int failedAttempts) =>
        DelayAfter(failedAttempts) is { } delay ? time.GetUtcNow() + delay : null;
}
