namespace ServerlessDocker.IntegrationTests;

/// <summary>Detached runs and prune. One class (one collection): prune removes exited detached runs, so it must
/// not run while this class's detached tests hold exited containers.</summary>
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

    [Fact(Timeout = 60000)]
    public async Task PruneAsync_DeadAndLiveOwners_RemovesOnlyTheDeadOwnersContainer()
    {
        var test = new TestCase();
        using var exited = System.Diagnostics.Process.Start("true")!;
        await exited.WaitForExitAsync(Ct);
        var deadOwner = $"{Environment.MachineName}:{exited.Id}";
        var liveOwner = FunctionLabels.CurrentOwner;

        var dead = await CreateWithOwnerAsync(test, deadOwner);
        var live = await CreateWithOwnerAsync(test, liveOwner);
        try
        {
            var removed = await engine.Docker.PruneAsync(cancellationToken: Ct);

            Assert.Contains(dead, removed);
            Assert.DoesNotContain(live, removed);
            Assert.False(await DockerCli.ContainerExistsAsync(dead, Ct), "the dead owner's container should be gone");
            Assert.True(await DockerCli.ContainerExistsAsync(live, Ct), "a live owner's container must be kept");
        }
        finally
        {
            await DockerCli.RemoveAsync([dead, live], CancellationToken.None);
        }

        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task PruneAsync_ExitedRunsOfALiveOwnerAndKeptRuns_AreLeft()
    {
        var test = new TestCase();
        using var exited = System.Diagnostics.Process.Start("true")!;
        await exited.WaitForExitAsync(Ct);
        var deadOwner = $"{Environment.MachineName}:{exited.Id}";

        // This process lives: its exited detached run still holds an exit code and output it may read.
        await using var detached = await engine.Command(test, "busybox", "true").StartDetachedAsync(Ct);
        await detached.WaitAsync(Ct);
        // Kept runs stay whoever owned them; the same container without the label is the control that prune works.
        var keptOfDeadOwner = await CreateWithOwnerAsync(test, deadOwner, "--label", $"{FunctionLabels.Keep}=true");
        var deadOwners = await CreateWithOwnerAsync(test, deadOwner);
        var kept = await engine.Command(test, "busybox", "true").WithRemoveAfterRun(false).ExecuteAsync(Ct);
        try
        {
            var removed = await engine.Docker.PruneAsync(cancellationToken: Ct);

            Assert.Equal([deadOwners], removed.Where(id => id == deadOwners || id == keptOfDeadOwner || id == detached.Id || id == kept.ContainerId));
            Assert.True(await DockerCli.ContainerExistsAsync(detached.Id, Ct), "a live owner's exited detached run must be kept");
            Assert.True(await DockerCli.ContainerExistsAsync(keptOfDeadOwner, Ct), "a kept run must be kept");
            Assert.True(await DockerCli.ContainerExistsAsync(kept.ContainerId, Ct), "a kept run must be kept");
            Assert.Equal("true", (await DockerCli.RunAsync(Ct, "inspect", "--format", $"{{{{index .Config.Labels \"{FunctionLabels.Keep}\"}}}}", kept.ContainerId)).StandardOutput.Trim());
        }
        finally
        {
            await DockerCli.RemoveAsync([keptOfDeadOwner, deadOwners, detached.Id, kept.ContainerId], CancellationToken.None);
        }

        await test.AssertNoContainersLeftAsync(Ct);
    }

    private async Task<string> CreateWithOwnerAsync(TestCase test, string owner, params string[] extra)
    {
        var r = await DockerCli.RunAsync(Ct,
        [
            "create", "--network", "none", .. engine.CliLabelArguments(test, "--label"),
            "--label", $"{FunctionLabels.Function}=true", "--label", $"{FunctionLabels.Owner}={owner}", .. extra,
            "busybox", "sleep", "60",
        ]);
        Assert.True(r.ExitCode == 0, $"docker create failed: {r}");
        return r.StandardOutput.Trim();
    }
}
