using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>
/// One concurrency limiter per function: <c>concurrency</c> calls run, <c>queue</c> more wait (oldest first), the next
/// is rejected. A reload that changes the numbers gets a fresh limiter; calls holding the old one finish normally.
/// </summary>
internal sealed class FunctionConcurrency : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _limiters = new(StringComparer.Ordinal);

    /// <summary>Waits for a slot; null when the queue is full or the wait outlasted <paramref name="maxWait"/>.</summary>
    public async Task<RateLimitLease?> AcquireAsync(FunctionDefinition fn, TimeSpan maxWait, TimeProvider time, CancellationToken cancellationToken)
    {
        var limiter = Get(fn);
        using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = time.CreateTimer(_ => waitCts.Cancel(), null, maxWait, Timeout.InfiniteTimeSpan);
        try
        {
            var lease = await limiter.AcquireAsync(1, waitCts.Token).ConfigureAwait(false);
            if (lease.IsAcquired)
            {
                return lease;
            }

            lease.Dispose();
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Calls waiting for a slot, per function (for the queue-length metric).</summary>
    public IEnumerable<(string Function, long Queued, long Available)> Snapshot() =>
        _limiters.Select(kv => kv.Value.Limiter.GetStatistics() is { } s ? (kv.Key, s.CurrentQueuedCount, s.CurrentAvailablePermits) : (kv.Key, 0L, 0L));

    private ConcurrencyLimiter Get(FunctionDefinition fn)
    {
        var entry = _limiters.AddOrUpdate(
            fn.Name,
            _ => Create(fn),
            (_, existing) => existing.Concurrency == fn.Concurrency && existing.Queue == fn.QueueLength ? existing : Create(fn));
        return entry.Limiter;
    }

    private static Entry Create(FunctionDefinition fn) => new(fn.Concurrency, fn.QueueLength, new ConcurrencyLimiter(new ConcurrencyLimiterOptions
    {
        PermitLimit = fn.Concurrency,
        QueueLimit = fn.QueueLength,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    }));

    public void Dispose()
    {
        foreach (var entry in _limiters.Values)
        {
            entry.Limiter.Dispose();
        }
    }

    private sealed record Entry(int Concurrency, int Queue, ConcurrencyLimiter Limiter);
}
