using System.Text;

namespace ServerlessDocker.Swarm.IntegrationTests;

[Collection(SwarmCollection.Name)]
public sealed class SwarmRunTests(SwarmCluster cluster)
{
    [Fact(Timeout = 60000)]
    public async Task ExecuteBuffered_WritesToBothStreams_ReturnsThemSeparatelyAndRemovesService()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await cluster.Command("sh", "-c", "echo out; echo err >&2; printf tail").ExecuteBufferedAsync(ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("out\ntail", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBuffered_NonZeroExit_ThrowsContainerExitExceptionWithBothStreams()
    {
        var ct = TestContext.Current.CancellationToken;

        var ex = await Assert.ThrowsAsync<ContainerExitException>(() =>
            cluster.Command("sh", "-c", "echo partial; echo broken >&2; exit 7").ExecuteBufferedAsync(ct).Task);

        Assert.Equal(7, ex.ExitCode);
        Assert.Equal("partial\n", ex.StandardOutput);
        Assert.Equal("broken\n", ex.StandardError);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBuffered_ValidationNone_ReturnsExitCodeOnceWithoutRetry()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await cluster.Command("sh", "-c", "echo ran; exit 3").WithValidation(ResultValidation.None).ExecuteBufferedAsync(ct);

        Assert.Equal(3, result.ExitCode);
        // Exactly once: a replicated-job on Engine 20.10 would have re-run the failed task.
        Assert.Equal("ran\n", result.StandardOutput);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Listen_OnSwarm_YieldsStartedLinesAndExitedInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var events = new List<string>();

        await foreach (var e in cluster.Command("sh", "-c", "echo one; echo two >&2; exit 0").ListenAsync(ct))
        {
            events.Add(e switch
            {
                StartedContainerEvent s => "started:" + (s.ContainerId.Length > 0),
                StandardOutputContainerEvent o => "out:" + o.Text,
                StandardErrorContainerEvent err => "err:" + err.Text,
                ExitedContainerEvent x => "exited:" + x.ExitCode,
                _ => "?",
            });
        }

        Assert.Equal("started:True", events[0]);
        Assert.Equal("exited:0", events[^1]);
        Assert.Contains("out:one", events);
        Assert.Contains("err:two", events);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 30000)]
    public void SwarmOption_OnLocalCommand_IsRejectedWithClearError()
    {
        var local = cluster.Docker.Command(cluster.Busybox, ["true"]);

        var ex = Assert.Throws<InvalidCommandException>(() => local.WithPlacementConstraint("node.role==worker"));

        Assert.Contains("OnSwarm", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Execute_WithStdin_IsRefusedWithClearError()
    {
        var ct = TestContext.Current.CancellationToken;

        var ex = await Assert.ThrowsAsync<InvalidCommandException>(() =>
            (PipeSource.FromString("hello") | cluster.Command("cat")).ExecuteBufferedAsync(ct).Task);

        Assert.Equal("stdin", ex.Setting);
        Assert.Contains("no attach", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Execute_InlineSecretConfigEnvAndLabel_AreVisibleInTaskAndRemovedAfterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        var command = cluster.Command("sh", "-c", "cat /run/secrets/token; cat /etc/sdock.conf; echo $GREETING")
            .WithEnvironment("GREETING", "hello")
            .WithSwarmSecret(SwarmFile.FromString("token", "s3cret\n"))
            .WithSwarmConfig(SwarmFile.FromString("/etc/sdock.conf", "mode=test\n"))
            .WithServiceLabel("io.sdock.test", "secret-config");

        var result = await command.ExecuteBufferedAsync(ct);

        Assert.Equal("s3cret\nmode=test\nhello\n", result.StandardOutput);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Execute_OnAttachableOverlayNetwork_TaskGetsOverlayAddress()
    {
        var ct = TestContext.Current.CancellationToken;
        var network = "sdock-test-" + Guid.NewGuid().ToString("N")[..8];
        var (code, output) = await cluster.CliAsync(ct, "network", "create", "--driver", "overlay", "--attachable", "--label", "io.sdock.test=true", network);
        Assert.True(code == 0, $"docker network create failed: {output}");
        try
        {
            var result = await cluster.Command("sh", "-c", "ip -o -4 addr show").WithSwarmNetwork(network).ExecuteBufferedAsync(ct);

            // scripts/swarm up gives overlay networks addresses from 10.214.0.0/16.
            Assert.Contains(" 10.214.", result.StandardOutput, StringComparison.Ordinal);
            Assert.Empty(await cluster.LeftoversAsync(ct));
        }
        finally
        {
            // The task's endpoint on the network goes away shortly after the service: retry the removal a little.
            for (var i = 0; i < 20 && (await cluster.CliAsync(CancellationToken.None, "network", "rm", network)).ExitCode != 0; i++)
            {
                await Task.Delay(500, CancellationToken.None);
            }
        }

        var (lsCode, left) = await cluster.CliAsync(ct, "network", "ls", "-q", "--filter", $"name={network}");
        Assert.Equal(0, lsCode);
        Assert.True(string.IsNullOrWhiteSpace(left), $"network {network} was not removed");
    }

    [Fact(Timeout = 60000)]
    public async Task GetRun_ByServiceId_WaitsForTheDetachedTask()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = await cluster.Command("sh", "-c", "exit 5").StartDetachedAsync(ct);

        await using (var found = await cluster.Swarm.GetRunAsync(started.Id, ct))
        {
            var result = await found.WaitAsync(ct);

            Assert.Equal(5, result.ExitCode);
            Assert.Equal(cluster.Busybox, found.Image);
        }

        Assert.Empty(await cluster.LeftoversAsync(ct));
        await started.DisposeAsync();
    }

    [Fact(Timeout = 60000)]
    public async Task StartDetached_WaitAndReadLogs_ReturnResultAndDisposeRemovesService()
    {
        var ct = TestContext.Current.CancellationToken;

        var run = (SwarmDetachedRun)await cluster.Command("sh", "-c", "echo background; echo warn >&2; exit 4").StartDetachedAsync(ct);
        ContainerResult result;
        var lines = new StringBuilder();
        await using (run)
        {
            var (code, services) = await cluster.CliAsync(ct, "service", "ls", "-q", "--filter", $"id={run.Id}");
            Assert.Equal(0, code);
            Assert.False(string.IsNullOrWhiteSpace(services), "the detached run's service should exist while the handle is open");

            result = await run.WaitAsync(ct);
            await foreach (var e in run.ReadLogsAsync(follow: true, ct))
            {
                lines.Append(e switch
                {
                    StandardOutputContainerEvent o => "out:" + o.Text,
                    StandardErrorContainerEvent err => "err:" + err.Text,
                    _ => "?",
                }).Append('|');
            }
        }

        Assert.Equal(4, result.ExitCode);
        Assert.False(string.IsNullOrEmpty(run.NodeHostname));
        Assert.Contains("out:background|", lines.ToString(), StringComparison.Ordinal);
        Assert.Contains("err:warn|", lines.ToString(), StringComparison.Ordinal);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }
}
