namespace ServerlessDocker.Warm;

/// <summary>
/// The pool's bookkeeping: which containers are idle, how many exist or are starting, who waits. One call per
/// container at a time; beyond <see cref="WarmPoolOptions.Max"/>, callers queue (never a silent cold start).
/// Recycles a container after <see cref="WarmPoolOptions.MaxCalls"/> and scales idle ones down to
/// <see cref="WarmPoolOptions.Min"/> after <see cref="WarmPoolOptions.IdleTimeout"/>.
/// </summary>
internal sealed class WarmSlots : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly IWarmContainerFactory _factory;
    private readonly WarmPoolOptions _options;
    private readonly TimeProvider _time;
    private readonly List<Slot> _idle = [];          // most recently used last: handed out first, the oldest expire
    private readonly HashSet<Slot> _busy = [];
    private readonly LinkedList<TaskCompletionSource<Slot>> _waiters = new();
    private readonly HashSet<Task> _background = [];
    private readonly ITimer? _timer;
    private int _total;                               // idle + busy + starting
    private bool _disposed;

    public WarmSlots(IWarmContainerFactory factory, WarmPoolOptions options, TimeProvider time)
    {
        _factory = factory;
        _options = options;
        _time = time;
        if (options.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond * 30));
            _timer = time.CreateTimer(_ => ScaleDown(), null, period, period);
        }
    }

    /// <summary>Containers that exist or are starting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>Idle containers.</summary>
    public int IdleCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Starts containers until there are <see cref="WarmPoolOptions.Min"/>; fails with the first start failure.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var starts = new List<Task<Slot>>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_total < _options.Min)
            {
                _total++;
                starts.Add(StartReservedAsync(cancellationToken));
            }
        }

        var failures = new List<Exception>();
        foreach (var start in starts)
        {
            try
            {
                Release(await start.ConfigureAwait(false), reusable: true, countCall: false);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        if (failures.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }
    }

    /// <summary>An idle live container, a new one while below max, or the next one released.</summary>
    public async Task<Slot> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Slot> waiter;
        LinkedListNode<TaskCompletionSource<Slot>> node;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (TakeIdleLocked() is { } idle)
            {
                _busy.Add(idle);
                return idle;
            }

            if (_total >= _options.Max)
            {
                waiter = new TaskCompletionSource<Slot>(TaskCreationOptions.RunContinuationsAsynchronously);
                node = _waiters.AddLast(waiter);
            }
            else
            {
                _total++;
                node = null!;
                waiter = null!;
            }
        }

        if (waiter is null)
        {
            var slot = await StartReservedAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _busy.Add(slot);
            }

            return slot;
        }

        using var registration = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                }
            }

            waiter.TrySetCanceled(cancellationToken);
        });
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Gives a container back after a call: kept for the next call, or — when it is unusable, has served
    /// <see cref="WarmPoolOptions.MaxCalls"/> or the pool is closing — removed and replaced as needed.
    /// </summary>
    public void Release(Slot slot, bool reusable, bool countCall = true)
    {
        IWarmContainer? remove = null;
        lock (_gate)
        {
            _busy.Remove(slot);
            if (countCall)
            {
                slot.Calls++;
            }

            if (_disposed || !reusable || !slot.Container.IsAlive || slot.Calls >= _options.MaxCalls)
            {
                remove = slot.Container;
                if (!_disposed)
                {
                    _total--;
                }
            }
            else
            {
                slot.IdleSince = _time.GetUtcNow();
                _idle.Add(slot);
            }

            if (!_disposed)
            {
                ServeWaitersLocked();
                TopUpLocked();
            }
        }

        if (remove is not null)
        {
            Track(remove.RemoveAsync().AsTask());
        }
    }

    /// <summary>Removes idle containers (oldest first) idle for longer than the idle timeout, down to min; and dead ones.</summary>
    public void ScaleDown()
    {
        var removed = new List<IWarmContainer>();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            for (var i = 0; i < _idle.Count;)
            {
                var slot = _idle[i];
                var expired = _options.IdleTimeout != Timeout.InfiniteTimeSpan && now - slot.IdleSince >= _options.IdleTimeout && _total > _options.Min;
                if (!slot.Container.IsAlive || expired)
                {
                    _idle.RemoveAt(i);
                    _total--;
                    removed.Add(slot.Container);
                }
                else
                {
                    i++;
                }
            }

            TopUpLocked();
        }

        foreach (var container in removed)
        {
            Track(container.RemoveAsync().AsTask());
        }
    }

    /// <summary>Removes every container, fails the waiting callers, and waits for starts under way.</summary>
    public async ValueTask DisposeAsync()
    {
        List<IWarmContainer> containers;
        List<TaskCompletionSource<Slot>> waiters;
        Task[] background;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            containers = [.. _idle.Select(s => s.Container), .. _busy.Select(s => s.Container)];
            _idle.Clear();
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(WarmPool), "the warm pool was disposed while the call waited for a container"));
        }

        await Task.WhenAll(containers.Select(c => c.RemoveAsync().AsTask())).ConfigureAwait(false);
        lock (_gate)
        {
            background = [.. _background];
        }

        // Starts under way remove what they made once they see the pool closed; removals finish.
        await Task.WhenAll(background).ConfigureAwait(false);
    }

    private Slot? TakeIdleLocked()
    {
        while (_idle.Count > 0)
        {
            var slot = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            if (slot.Container.IsAlive)
            {
                return slot;
            }

            // Its agent no longer answers: never hand it out.
            _total--;
            Track(slot.Container.RemoveAsync().AsTask());
        }

        return null;
    }

    private void ServeWaitersLocked()
    {
        while (_waiters.First is { } first)
        {
            if (TakeIdleLocked() is { } idle)
            {
                _waiters.RemoveFirst();
                _busy.Add(idle);
                if (!first.Value.TrySetResult(idle))
                {
                    _busy.Remove(idle);
                    _idle.Add(idle);
                }

                continue;
            }

            if (_total < _options.Max)
            {
                _waiters.RemoveFirst();
                _total++;
                var waiter = first.Value;
                Track(StartForAsync(waiter));
                continue;
            }

            return;
        }
    }

    private void TopUpLocked()
    {
        while (_total < _options.Min)
        {
            _total++;
            Track(TopUpOneAsync());
        }
    }

    private async Task TopUpOneAsync()
    {
        Slot slot;
        try
        {
            slot = await StartReservedAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return; // The next call starts one itself and reports the failure to its caller.
        }

        Release(slot, reusable: true, countCall: false);
    }

    private async Task StartForAsync(TaskCompletionSource<Slot> waiter)
    {
        try
        {
            var slot = await StartReservedAsync(CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                _busy.Add(slot);
            }

            if (!waiter.TrySetResult(slot))
            {
                Release(slot, reusable: true, countCall: false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            waiter.TrySetException(ex);
        }
    }

    /// <summary>Starts a container for a slot already counted in <see cref="_total"/>; uncounts it on failure.</summary>
    private async Task<Slot> StartReservedAsync(CancellationToken cancellationToken)
    {
        IWarmContainer container;
        try
        {
            container = await _factory.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _total--;
                    ServeWaitersLocked();
                }
            }

            throw;
        }

        bool disposed;
        lock (_gate)
        {
            disposed = _disposed;
        }

        if (disposed)
        {
            await container.RemoveAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(WarmPool), "the warm pool was disposed while a container started");
        }

        return new Slot(container) { IdleSince = _time.GetUtcNow() };
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _background.Add(task);
        }

        _ = task.ContinueWith(t =>
        {
            lock (_gate)
            {
                _background.Remove(t);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>One container and its history in the pool.</summary>
    internal sealed class Slot(IWarmContainer container)
    {
        public IWarmContainer Container { get; } = container;

        public int Calls { get; set; }

        public DateTimeOffset IdleSince { get; set; }
    }
}
