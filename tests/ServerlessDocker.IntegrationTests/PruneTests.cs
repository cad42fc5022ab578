namespace ServerlessDocker.IntegrationTests;

/// <summary>Runs alone: prune acts on the whole engine, and the detached runs of `sdock run -d` in tests beside it
/// belong to CLI processes that have already exited.</summary>
[CollectionDefinition(nameof(PruneTests), DisableParallelization = true)]
public sealed class PruneCollection;

/// <summary>What prune removes (runs whose owner process is gone) and what it leaves (live owners' runs, kept runs).</summary>
[Collection(nameof(PruneTests))]
public sealed class PruneTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
