using System.Diagnostics;

namespace ServerlessDocker.IntegrationTests;

/// <summary>Timeouts and cancellation stop the container and remove it.</summary>
public sealed class StopTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_Timeout_StopsRemovesAndThrowsTimeout()
    {
        var test = new TestCase();
        var watch = Stopwatch.StartNew();

        // sleep as PID 1 ignores SIGTERM: the stop must fall back to a kill after the grace period.
        var ex = await Assert.ThrowsAsync<ContainerTimeoutException>(async () =>
            await engine.Command(test, "busybox", "sleep", "60")
                .WithTimeout(TimeSpan.FromSeconds(1.5))
                .WithStopGracePeriod(TimeSpan.FromSeconds(1))
                .ExecuteBufferedAsync(Ct));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.4), $"returned before the timeout: {watch.Elapsed}");
        Assert.Equal(TimeSpan.FromSeconds(1.5), ex.Timeout);
        Assert.NotNull(ex.ContainerId);
        Assert.Contains("timed out after 1.5s", ex.Message);
        Assert.False(await DockerCli.ContainerExistsAsync(ex.ContainerId, Ct));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_TimeoutWhileStreamingOutput_StopsAndRemoves()
    {
        var test = new TestCase();
        var lines = 0;

        await Assert.ThrowsAsync<ContainerTimeoutException>(async () =>
            await engine.Command(test, "busybox", "sh", "-c", "while true; do echo tick; sleep 0.1; done")
                // The timeout counts the container's start too, which takes seconds on a loaded machine: leave room
                // for output to flow before it fires.
                .WithTimeout(TimeSpan.FromSeconds(5))
                .WithStopGracePeriod(TimeSpan.FromSeconds(1))
                .WithStandardOutputPipe(PipeTarget.ToDelegate(_ => Interlocked.Increment(ref lines)))
                .ExecuteAsync(Ct));

        Assert.True(lines > 0, "output produced before the timeout should have been delivered");
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_CallerCancels_ThrowsWithTheCallersTokenAndRemoves()
    {
        var test = new TestCase();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var task = engine.Command(test, "busybox", "sleep", "60").WithStopGracePeriod(TimeSpan.FromSeconds(1)).ExecuteAsync(cts.Token);
        var id = await task.ContainerId;
        await Task.Delay(500, Ct);
        cts.Cancel();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await task);

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_CallerCancelsWithStdinOpen_ThrowsWithTheCallersTokenAndRemoves()
    {
        var test = new TestCase();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // A stdin source that never ends: cancellation must still get through.
        var endless = PipeSource.Create(async (destination, ct) =>
        {
            while (true)
            {
                await destination.WriteAsync("x\n"u8.ToArray(), ct);
                await Task.Delay(50, ct);
            }
        });

        var task = (endless | engine.Command(test, "busybox", "cat")).WithStopGracePeriod(TimeSpan.FromSeconds(1)).ExecuteBufferedAsync(cts.Token);
        var id = await task.ContainerId;
        cts.CancelAfter(700);
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await task);

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Theory(Timeout = 60000)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(80)]
    public async Task ExecuteAsync_CancelledAroundCreation_LeavesNoContainer(int cancelAfterMs)
    {
        var test = new TestCase();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(cancelAfterMs);

        // Whichever step the cancellation hits (hooks, create, attach, start), nothing may stay behind.
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await engine.Command(test, "busybox", "sleep", "60").WithStopGracePeriod(TimeSpan.FromSeconds(1)).ExecuteAsync(cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_AlreadyCancelledToken_CreatesNothing()
    {
        var test = new TestCase();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await engine.Command(test, "busybox", "true").ExecuteAsync(cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
        await test.AssertNoContainersLeftAsync(Ct);
    }
}
