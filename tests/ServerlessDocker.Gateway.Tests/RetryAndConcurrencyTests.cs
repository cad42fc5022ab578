using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.Tests;

public sealed class RetryAndConcurrencyTests
{
    [Fact(Timeout = 10000)]
    public void DelayAfter_Failures_DoublesUpToMaxThenStops()
    {
        var policy = new RetryPolicy { MaxAttempts = 6, InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(5) };

        var delays = Enumerable.Range(1, 6).Select(policy.DelayAfter).ToList();

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), null], delays);
    }

    [Fact(Timeout = 10000)]
    public void DelayAfter_SingleAttempt_NeverRetries() =>
        Assert.Null(new RetryPolicy { MaxAttempts = 1 }.DelayAfter(1));

    [Fact(Timeout = 10000)]
    public void DelayAfter_HugeAttemptCount_SaturatesAtMax() =>
        Assert.Equal(TimeSpan.FromSeconds(30), new RetryPolicy { MaxAttempts = 10_000 }.DelayAfter(5000));

    [Fact(Timeout = 10000)]
    public async Task AcquireAsync_QueueFull_RejectedAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var fn = new FunctionDefinition { Name = "f", Image = "f", Concurrency = 1, QueueLength = 1 };
        using var gates = new FunctionConcurrency();
        var time = new FakeTimeProvider();

        using var first = await gates.AcquireAsync(fn, TimeSpan.FromSeconds(10), time, ct);
        var queued = gates.AcquireAsync(fn, TimeSpan.FromSeconds(10), time, ct);
        var rejected = await gates.AcquireAsync(fn, TimeSpan.FromSeconds(10), time, ct);

        Assert.NotNull(first);
        Assert.False(queued.IsCompleted);
        Assert.Null(rejected);
        Assert.Equal(1, gates.Snapshot().Single().Queued);

        first!.Dispose();
        using var second = await queued.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.NotNull(second);
    }

    [Fact(Timeout = 10000)]
    public async Task AcquireAsync_WaitLongerThanMax_ReturnsNullOnFakeClock()
    {
        var ct = TestContext.Current.CancellationToken;
        var fn = new FunctionDefinition { Name = "f", Image = "f", Concurrency = 1, QueueLength = 4 };
        using var gates = new FunctionConcurrency();
        var time = new FakeTimeProvider();
        using var first = await gates.AcquireAsync(fn, TimeSpan.FromSeconds(10), time, ct);

        var waiting = gates.AcquireAsync(fn, TimeSpan.FromSeconds(10), time, ct);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(5), ct));
    }

    [Fact(Timeout = 10000)]
    public async Task AcquireAsync_LimitChangedByReload_NewLimiterUsed()
    {
        var ct = TestContext.Current.CancellationToken;
        var fn = new FunctionDefinition { Name = "f", Image = "f", Concurrency = 1, QueueLength = 0 };
        using var gates = new FunctionConcurrency();
        var time = new FakeTimeProvider();
        using var held = await gates.AcquireAsync(fn, TimeSpan.FromSeconds(1), time, ct);
        Assert.Null(await gates.AcquireAsync(fn, TimeSpan.FromSeconds(1), time, ct));

        using var more = await gates.AcquireAsync(fn with { Concurrency = 2 }, TimeSpan.FromSeconds(1), time, ct);

        Assert.NotNull(more);
    }
}

public sealed class RetryScheduleTests
{
    [Fact(Timeout = 10000)]
    public void NextAttemptAt_FakeClockAdvanced_BackoffFromCurrentTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var policy = new RetryPolicy { MaxAttempts = 4, InitialBackoff = TimeSpan.FromSeconds(2), Multiplier = 3, MaxBackoff = TimeSpan.FromMinutes(1) };

        var first = policy.NextAttemptAt(time, 1);
        time.Advance(TimeSpan.FromSeconds(2));
        var second = policy.NextAttemptAt(time, 2);
        time.Advance(TimeSpan.FromSeconds(6));
        var third = policy.NextAttemptAt(time, 3);
        var none = policy.NextAttemptAt(time, 4);

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 0, 2, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 0, 8, TimeSpan.Zero), second);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 0, 26, TimeSpan.Zero), third);
        Assert.Null(none);
    }
}
