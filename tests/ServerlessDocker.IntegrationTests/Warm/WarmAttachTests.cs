using ServerlessDocker.Warm;

namespace ServerlessDocker.IntegrationTests;

/// <summary>The attach transport (for remote engines), exercised on the test engine: calls one after another on one
/// stream, stops, a dead container, a read-only root filesystem.</summary>
public sealed class WarmAttachTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WarmPool Pool(TestCase test, ContainerCommand? template = null) =>
        engine.Docker.WarmPool(template ?? engine.Command(test, "busybox"),
            new WarmPoolOptions { Min = 1, Max = 1, Transport = WarmTransport.Attach, AgentPath = WarmPools.AgentPath });

    [Fact(Timeout = 60000)]
    public async Task ManyCalls_OnOneStream_EachGetTheirOwnOutputAndProcess()
    {
        var test = new TestCase();
        await using var pool = Pool(test);

        var results = new List<BufferedContainerResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await engine.Command(test, "busybox", "sh", "-c", $"echo {i} $$; echo e{i} >&2")
                .WithStandardInputPipe(PipeSource.FromString("ignored")).OnWarmPool(pool).ExecuteBufferedAsync(Ct));
        }

        Assert.Single(results.Select(r => r.ContainerId).Distinct());
        Assert.Equal(5, results.Select(r => r.StandardOutput.Split(' ')[1]).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{i}"), results.Select(r => r.StandardOutput.Split(' ')[0]));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"e{i}\n"), results.Select(r => r.StandardError));
    }

    [Fact(Timeout = 60000)]
    public async Task Timeout_KillsTheCall_AndTheNextCallOnTheSameStreamWorks()
    {
        var test = new TestCase();
        await using var pool = Pool(test);
        await pool.WarmUpAsync(Ct);

        var ex = await Assert.ThrowsAsync<ContainerTimeoutException>(async () =>
            await engine.Command(test, "busybox", "sh", "-c", "sleep 300 & echo started; wait")
                .WithTimeout(TimeSpan.FromSeconds(1.5)).OnWarmPool(pool).ExecuteBufferedAsync(Ct));

        var next = await engine.Command(test, "busybox", "echo", "next").OnWarmPool(pool).ExecuteBufferedAsync(Ct);
        Assert.Equal("next\n", next.StandardOutput);
        Assert.Equal(ex.ContainerId, next.ContainerId);
    }

    [Fact(Timeout = 60000)]
    public async Task KilledContainer_FailsItsCallWith137_AndIsReplaced()
    {
        var test = new TestCase();
        await using var pool = Pool(test);
        await pool.WarmUpAsync(Ct);

        var run = engine.Command(test, "busybox", "sleep", "300").OnWarmPool(pool).ExecuteBufferedAsync(Ct);
        var id = await run.ContainerId;
        await Task.Delay(300, Ct);
        await DockerCli.RunAsync(Ct, "kill", id);

        Assert.Equal(137, (await Assert.ThrowsAsync<ContainerExitException>(async () => await run)).ExitCode);
        var next = await engine.Command(test, "busybox", "echo", "replaced").OnWarmPool(pool).ExecuteBufferedAsync(Ct);
        Assert.Equal("replaced\n", next.StandardOutput);
        Assert.NotEqual(id, next.ContainerId);
    }

    [Fact(Timeout = 60000)]
    public async Task ReadOnlyRootFilesystem_StillGetsTheAgent()
    {
        var test = new TestCase();
        var template = engine.Command(test, "busybox").WithReadOnlyRootFilesystem(true);
        await using var pool = Pool(test, template);

        var r = await template.WithArguments("sh", "-c", "touch /x 2>/dev/null && echo writable || echo read-only").OnWarmPool(pool).ExecuteBufferedAsync(Ct);

        Assert.Equal("read-only\n", r.StandardOutput);
    }

    [Fact(Timeout = 60000)]
    public async Task Dispose_RemovesTheContainerAndItsVolume()
    {
        var test = new TestCase();
        var pool = Pool(test);
        await pool.WarmUpAsync(Ct);
        var id = Assert.Single(await DockerCli.ContainerIdsAsync(test.Label, Ct));
        var volume = (await DockerCli.RunAsync(Ct, "inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", id)).StandardOutput.Trim();
        Assert.NotEmpty(volume);

        await pool.DisposeAsync();

        await test.AssertNoContainersLeftAsync(Ct);
        Assert.NotEqual(0, (await DockerCli.RunAsync(Ct, "volume", "inspect", volume)).ExitCode);
    }
}
