namespace ServerlessDocker.IntegrationTests;

/// <summary>Detached runs: start, logs, kill, wait, disposal. Prune is in <see cref="PruneTests"/>.</summary>
public sealed class LifecycleTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task StartDetachedAsync_LongRun_GivesIdLogsKillWaitAndDisposalRemoves()
    {
        var test = new TestCase();

        var run = await engine.Command(test, "busybox", "sh", "-c", "echo hello; echo oops >&2; sleep 60").StartDetachedAsync(Ct);
        string id;
        await using (run)
        {
            id = run.Id;
            Assert.Equal("busybox", run.Image);
            var running = await DockerCli.RunAsync(Ct, "inspect", "--format", "{{.State.Running}} {{index .Config.Labels \"io.sdock.detached\"}}", id);
            Assert.Equal("true true", running.StandardOutput.Trim());

            // Follow the live log until both lines arrived, then stop following.
            var seen = new List<ContainerEvent>();
            using (var follow = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                follow.CancelAfter(TimeSpan.FromSeconds(20));
                await foreach (var e in run.ReadLogsAsync(follow: true, follow.Token))
                {
                    seen.Add(e);
                    if (seen.OfType<StandardOutputContainerEvent>().Any() && seen.OfType<StandardErrorContainerEvent>().Any())
                    {
                        break;
                    }
                }
            }

            Assert.Equal("hello", Assert.Single(seen.OfType<StandardOutputContainerEvent>()).Text);
            Assert.Equal("oops", Assert.Single(seen.OfType<StandardErrorContainerEvent>()).Text);

            var listed = await engine.Docker.ListAsync(Ct);
            Assert.Contains(listed, c => c.Id == id && c.Detached && c.Running);

            await run.KillAsync(Ct);
            var result = await run.WaitAsync(Ct);
            Assert.Equal(137, result.ExitCode);
            Assert.Equal(id, result.ContainerId);
            Assert.True(await DockerCli.ContainerExistsAsync(id, Ct), "wait must not remove the container; disposal does");
        }

        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct), "disposing the handle should remove the container");
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task StartDetachedAsync_ShortRun_WaitReturnsExitCodeAndLogsReplay()
    {
        var test = new TestCase();

        await using (var run = await engine.Command(test, "busybox", "sh", "-c", "echo a; echo b; exit 3").StartDetachedAsync(Ct))
        {
            var result = await run.WaitAsync(Ct);
            Assert.Equal(3, result.ExitCode);

            var lines = new List<string>();
            await foreach (var e in run.ReadLogsAsync(follow: false, Ct))
            {
                lines.Add(Assert.IsType<StandardOutputContainerEvent>(e).Text);
            }

            Assert.Equal(["a", "b"], lines);

            // A second handle, found by id, sees the same container.
            await using var again = await engine.Docker.GetRunAsync(run.Id, Ct);
            Assert.Equal(3, (await again.WaitAsync(Ct)).ExitCode);
            Assert.Equal("busybox", again.Image);
        }

        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task StartDetachedAsync_WithStdin_IsRefusedBeforeCreatingAnything()
    {
        var test = new TestCase();

        var ex = await Assert.ThrowsAsync<InvalidCommandException>(() =>
            (PipeSource.FromString("x") | engine.Command(test, "busybox", "cat")).StartDetachedAsync(Ct));

        Assert.Equal("stdin", ex.Setting);
        await test.AssertNoContainersLeftAsync(Ct);
    }
}
