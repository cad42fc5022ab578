using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Warm;

namespace ServerlessDocker.Tests.Warm;

/// <summary>The pool's sizing logic, with fake containers and a fake clock.</summary>
public sealed class WarmSlotsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new();
    private readonly FakeFactory _factory = new();

    private WarmSlots Slots(int min = 0, int max = 2, int maxCalls = 1000, TimeSpan? idle = null) =>
        new(_factory, new WarmPoolOptions { Min = min, Max = max, MaxCalls = maxCalls, IdleTimeout = idle ?? TimeSpan.FromMinutes(10) }, _time);

    [Fact]
    public async Task Acquire_ReusesAReleasedContainer()
    {
        await using var slots = Slots();

        var a = await slots.AcquireAsync(Ct);
        slots.Release(a, reusable: true);
        var b = await slots.AcquireAsync(Ct);

        Assert.Same(a.Container, b.Container);
        Assert.Equal(1, _factory.Started);
    }

    [Fact]
    public async Task Acquire_BeyondMax_WaitsForARelease_NeverStartsMore()
    {
        await using var slots = Slots(max: 2);
        var a = await slots.AcquireAsync(Ct);
        var b = await slots.AcquireAsync(Ct);

        var third = slots.AcquireAsync(Ct);
        await Task.Delay(50, Ct);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, _factory.Started);

        slots.Release(b, reusable: true);
        Assert.Same(b.Container, (await third.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Container);
        Assert.Equal(2, _factory.Started);
    }

    [Fact]
    public async Task Acquire_CancelledWhileWaiting_IsCancelled_AndGetsNothing()
    {
        await using var slots = Slots(max: 1);
        var a = await slots.AcquireAsync(Ct);
        using var cts = new CancellationTokenSource();

        var waiting = slots.AcquireAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        slots.Release(a, reusable: true);
        Assert.Equal(1, slots.IdleCount);
    }

    [Fact]
    public async Task IdleTimeout_ScalesDownToMin_OldestFirst()
    {
        await using var slots = Slots(min: 1, max: 3, idle: TimeSpan.FromMinutes(10));
        var a = await slots.AcquireAsync(Ct);
        var b = await slots.AcquireAsync(Ct);
        var c = await slots.AcquireAsync(Ct);
        slots.Release(a, reusable: true);
        _time.Advance(TimeSpan.FromMinutes(1));
        slots.Release(b, reusable: true);
        slots.Release(c, reusable: true);

        _time.Advance(TimeSpan.FromMinutes(9.5)); // a has been idle for 10.5 minutes, b and c for 9.5
        Assert.Equal(2, slots.Count);
        Assert.True(a.Container is FakeContainer { Removed: true });

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, slots.Count);
        Assert.Equal(1, _factory.Containers.Count(x => !x.Removed));
    }

    [Fact]
    public async Task IdleTimeout_NotReached_KeepsEveryContainer()
    {
        await using var slots = Slots(min: 0, max: 2, idle: TimeSpan.FromMinutes(10));
        var a = await slots.AcquireAsync(Ct);
        slots.Release(a, reusable: true);

        _time.Advance(TimeSpan.FromMinutes(9));

        Assert.Equal(1, slots.Count);
        Assert.False(((FakeContainer)a.Container).Removed);
    }

    [Fact]
    public async Task AContainerInUse_IsNeverScaledDown()
    {
        await using var slots = Slots(min: 0, max: 1, idle: TimeSpan.FromMinutes(1));
        var a = await slots.AcquireAsync(Ct);

        _time.Advance(TimeSpan.FromMinutes(30));

        Assert.False(((FakeContainer)a.Container).Removed);
    }

    [Fact]
    public async Task MaxCalls_RemovesTheContainer_AndTopsUpToMin()
    {
        await using var slots = Slots(min: 1, max: 1, maxCalls: 2);
        await slots.WarmUpAsync(Ct);
        var first = await slots.AcquireAsync(Ct);
        slots.Release(first, reusable: true);
        var again = await slots.AcquireAsync(Ct);
        Assert.Same(first.Container, again.Container);

        slots.Release(again, reusable: true);

        Assert.True(((FakeContainer)first.Container).Removed);
        Assert.Equal(2, _factory.Started);
        var fresh = await slots.AcquireAsync(Ct);
        Assert.NotSame(first.Container, fresh.Container);
    }

    [Fact]
    public async Task UnusableRelease_RemovesTheContainer_AndServesAWaiterWithANewOne()
    {
        await using var slots = Slots(max: 1);
        var a = await slots.AcquireAsync(Ct);
        var waiting = slots.AcquireAsync(Ct);

        slots.Release(a, reusable: false);

        var b = await waiting.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.NotSame(a.Container, b.Container);
        Assert.True(((FakeContainer)a.Container).Removed);
    }

    [Fact]
    public async Task DeadIdleContainer_IsNeverHandedOut()
    {
        await using var slots = Slots(max: 2);
        var a = await slots.AcquireAsync(Ct);
        slots.Release(a, reusable: true);
        ((FakeContainer)a.Container).IsAlive = false;

        var b = await slots.AcquireAsync(Ct);

        Assert.NotSame(a.Container, b.Container);
        Assert.True(((FakeContainer)a.Container).Removed);
    }

    [Fact]
    public async Task FailedStart_FreesItsPlace()
    {
        await using var slots = Slots(max: 1);
        _factory.FailNext = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => slots.AcquireAsync(Ct));

        Assert.Equal(0, slots.Count);
        Assert.NotNull(await slots.AcquireAsync(Ct));
    }

    [Fact]
    public async Task Dispose_RemovesAll_AndFailsWaiters()
    {
        var slots = Slots(min: 0, max: 1);
        var a = await slots.AcquireAsync(Ct);
        var waiting = slots.AcquireAsync(Ct);

        await slots.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.All(_factory.Containers, c => Assert.True(c.Removed));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => slots.AcquireAsync(Ct));
        slots.Release(a, reusable: true); // a call ending after disposal is harmless
    }

    private sealed class FakeFactory : IWarmContainerFactory
    {
        public List<FakeContainer> Containers { get; } = [];

        public int Started => Containers.Count;

        public bool FailNext { get; set; }

        public string Image => "fake";

        public Task<IWarmContainer> StartAsync(CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                return Task.FromException<IWarmContainer>(new InvalidOperationException("no start"));
            }

            var c = new FakeContainer($"c{Containers.Count}");
            lock (Containers)
            {
                Containers.Add(c);
            }

            return Task.FromResult<IWarmContainer>(c);
        }

        public Task<WarmImageConfig> GetImageConfigAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new WarmImageConfig(null, ["true"], []));
    }

    private sealed class FakeContainer(string id) : IWarmContainer
    {
        public string Id => id;

        public bool IsAlive { get; set; } = true;

        public bool Removed { get; private set; }

        public Task<Stream> ConnectAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long?> WaitForExitAsync(TimeSpan timeout) => Task.FromResult<long?>(null);

        public ValueTask RemoveAsync()
        {
            Removed = true;
            IsAlive = false;
            return ValueTask.CompletedTask;
        }
    }
}
