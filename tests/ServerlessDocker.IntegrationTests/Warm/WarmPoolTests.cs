using ServerlessDocker.Warm;

namespace ServerlessDocker.IntegrationTests;

/// <summary>The pool on a real engine: a fresh process per call, timeouts, recycling, dead containers, disposal.</summary>
public sealed class WarmPoolTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task Calls_InOneContainer_EachGetAFreshProcess()
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, "busybox", new WarmPoolOptions { Min = 1, Max = 1 });
        await pool.WarmUpAsync(Ct);

        var results = new List<BufferedContainerResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await engine.Command(test, "busybox", "sh", "-c", "echo $$").OnWarmPool(pool).ExecuteBufferedAsync(Ct));
        }

        Assert.Single(results.Select(r => r.ContainerId).Distinct());
        Assert.Equal(3, results.Select(r => r.StandardOutput).Distinct().Count());
        Assert.All(results, r => Assert.NotEqual("1\n", r.StandardOutput)); // PID 1 is the agent
        var labels = (await DockerCli.RunAsync(Ct, "inspect", "-f", "{{json .Config.Labels}}", results[0].ContainerId)).StandardOutput;
        Assert.Contains($"\"{FunctionLabels.Function}\":\"true\"", labels);
        Assert.Contains($"\"{FunctionLabels.Owner}\":\"{FunctionLabels.CurrentOwner}\"", labels);
        Assert.Contains(WarmPool.PoolLabel, labels);
    }

    [Fact(Timeout = 60000)]
    public async Task Timeout_KillsTheCallAndItsChildren_AndTheContainerServesTheNextCall()
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, "busybox", new WarmPoolOptions { Min = 1, Max = 1 });
        await pool.WarmUpAsync(Ct);

        var ex = await Assert.ThrowsAsync<ContainerTimeoutException>(async () =>
            await engine.Command(test, "busybox", "sh", "-c", "sleep 300 & sleep 301 & echo started; wait")
                .WithTimeout(TimeSpan.FromSeconds(1.5))
                .OnWarmPool(pool)
                .ExecuteBufferedAsync(Ct));

        var next = await engine.Command(test, "busybox", "sh", "-c", "ps -o comm | grep -c '^sleep' || true").OnWarmPool(pool).ExecuteBufferedAsync(Ct);
        Assert.Equal(ex.ContainerId, next.ContainerId);
        Assert.Equal("0\n", next.StandardOutput); // the background children went with the call
        Assert.Equal(1, pool.ContainerCount);
    }

    [Fact(Timeout = 60000)]
    public async Task Cancellation_KillsTheCall_AndThrowsOperationCanceled()
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, "busybox", new WarmPoolOptions { Min = 1, Max = 1 });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await engine.Command(test, "busybox", "sleep", "300").OnWarmPool(pool).ExecuteBufferedAsync(cts.Token));

        Assert.Equal("ok\n", (await engine.Command(test, "busybox", "echo", "ok").OnWarmPool(pool).ExecuteBufferedAsync(Ct)).StandardOutput);
    }

    [Fact(Timeout = 60000)]
    public async Task MaxCalls_RecyclesTheContainer()
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, "busybox", new WarmPoolOptions { Min = 0, Max = 1, MaxCalls = 2 });

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await engine.Command(test, "busybox", "true").OnWarmPool(pool).ExecuteBufferedAsync(Ct)).ContainerId);
        }

        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[1], ids[2]);
        await Eventually.TrueAsync(async () => !await DockerCli.ContainerExistsAsync(ids[0], Ct), "the recycled container should be removed", TimeSpan.FromSeconds(20), Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task KilledContainer_FailsItsCallLikeCold_AndIsReplaced()
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, "busybox", new WarmPoolOptions { Min = 1, Max = 1 });
        await pool.WarmUpAsync(Ct);

        var run = engine.Command(test, "busybox", "sleep", "300").OnWarmPool(pool).ExecuteBufferedAsync(Ct);
        var id = await run.ContainerId;
        await Task.Delay(300, Ct);
        await DockerCli.RunAsync(Ct, "kill", id);

        var ex = await Assert.ThrowsAsync<ContainerExitException>(async () => await run);
        Assert.Equal(137, ex.ExitCode);
        var next = await engine.Command(test, "busybox", "echo", "replaced").OnWarmPool(pool).ExecuteBufferedAsync(Ct);
        Assert.Equal("replaced\n", next.StandardOutput);
        Assert.NotEqual(id, next.ContainerId);
    }

    [Fact(Timeout = 60000)]
    public async Task OutOfMemory_Exits137LikeCold_AndTheNextCallWorks()
    {
        var test = new TestCase();
        var template = engine.Command(test, "busybox").WithMemoryLimit(16 * 1024 * 1024);
        await using var pool = engine.Docker.WarmPool(template, new WarmPoolOptions { Min = 0, Max = 1, AgentPath = WarmPools.AgentPath });
        var hog = template.WithArguments("sh", "-c", "tail /dev/zero").WithValidation(ResultValidation.None);

        var cold = await hog.ExecuteBufferedAsync(Ct);
        var warm = await hog.OnWarmPool(pool).ExecuteBufferedAsync(Ct);

        Assert.Equal(137, cold.ExitCode);
        Assert.Equal(137, warm.ExitCode);
        Assert.Equal("ok\n", (await template.WithArguments("echo", "ok").OnWarmPool(pool).ExecuteBufferedAsync(Ct)).StandardOutput);
    }

    [Fact(Timeout = 90000)]
    public async Task FiftyConcurrentCalls_OnMaxFour_AllCorrect_NeverMoreThanFourContainers()
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, "busybox", new WarmPoolOptions { Min = 0, Max = 4 });

        var calls = Enumerable.Range(0, 50).Select(i =>
            engine.Command(test, "busybox", "sh", "-c", $"sleep 0.05; echo {i}").OnWarmPool(pool).ExecuteBufferedAsync(Ct).Task).ToList();
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{i}\n"), results.Select(r => r.StandardOutput));
        Assert.InRange(results.Select(r => r.ContainerId).Distinct().Count(), 1, 4);
        Assert.InRange((await DockerCli.ContainerIdsAsync(test.Label, Ct)).Count, 1, 4);
    }

    [Fact(Timeout = 60000)]
    public async Task Dispose_RemovesEveryContainer()
    {
        var test = new TestCase();
        var pool = WarmPools.Create(engine, test, "busybox", new WarmPoolOptions { Min = 2, Max = 2 });
        await pool.WarmUpAsync(Ct);
        Assert.Equal(2, (await DockerCli.ContainerIdsAsync(test.Label, Ct)).Count);

        await pool.DisposeAsync();

        await test.AssertNoContainersLeftAsync(Ct);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
            await engine.Command(test, "busybox", "true").OnWarmPool(pool).ExecuteBufferedAsync(Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Command_ThatDiffersFromThePool_IsRefusedBeforeAnythingRuns()
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, "busybox");

        var user = await Assert.ThrowsAsync<InvalidCommandException>(async () =>
            await engine.Command(test, "busybox", "id").WithUser("1000").OnWarmPool(pool).ExecuteBufferedAsync(Ct));
        var image = await Assert.ThrowsAsync<InvalidCommandException>(async () =>
            await engine.Command(test, "leftpad", "a", "3").OnWarmPool(pool).ExecuteBufferedAsync(Ct));

        Assert.Equal("user", user.Setting);
        Assert.Equal("image", image.Setting);
        Assert.Equal(0, pool.ContainerCount);
    }
}
