namespace ServerlessDocker.Swarm.IntegrationTests;

[Collection(SwarmCollection.Name)]
public sealed class SwarmFanOutTests(SwarmCluster cluster)
{
    [Fact(Timeout = 120000)]
    public async Task RunMany_NineTasks_SpreadOverSeveralNodesWithPerTaskOutputAndExitCode()
    {
        var ct = TestContext.Current.CancellationToken;
        var command = cluster.Command("sh", "-c", "echo task=$SDOCK_TASK_INDEX/$SDOCK_TASK_COUNT; echo e$SDOCK_TASK_INDEX >&2; exit $((SDOCK_TASK_INDEX % 3))");

        var results = await command.RunManyAsync(replicas: 9, maxConcurrent: 9, ct);

        Assert.Equal(9, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            Assert.Equal(i, r.Index);
            Assert.Equal($"task={i}/9\n", r.StandardOutput);
            Assert.Equal($"e{i}\n", r.StandardError);
            Assert.Equal(i % 3, r.ExitCode);
            Assert.StartsWith("sdswarm", r.Node, StringComparison.Ordinal);
        }

        var nodes = results.Select(r => r.Node).Distinct().Count();
        Assert.True(nodes > 1, $"all 9 tasks ran on one node ({results[0].Node}); the fan-out should spread over the cluster");
        Assert.Empty(await cluster.LeftoversAsync(ct));
        Assert.Empty(await cluster.NodeContainerLeftoversAsync(ct));
    }

    [Fact(Timeout = 120000)]
    public async Task RunMany_MaxConcurrentOne_RunsTasksOneAfterAnother()
    {
        var ct = TestContext.Current.CancellationToken;

        var results = await cluster.Command("sh", "-c", "echo $SDOCK_TASK_INDEX").RunManyAsync(replicas: 3, maxConcurrent: 1, ct);

        Assert.Equal(["0\n", "1\n", "2\n"], results.Select(r => r.StandardOutput));
        var ordered = results.OrderBy(r => r.StartTime).ToArray();
        for (var i = 1; i < ordered.Length; i++)
        {
            Assert.True(ordered[i].StartTime >= ordered[i - 1].ExitTime, "with max-concurrent 1 a task must not start before the previous one ended");
        }

        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task RunMany_Cancelled_ThrowsWithCallersTokenAndRemovesAllServices()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            cluster.Command("sleep", "60").RunManyAsync(replicas: 4, maxConcurrent: 2, cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Empty(await cluster.LeftoversAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60000)]
    public async Task RunMany_OneTaskUnschedulable_ThrowsPendingAndRemovesAllServices()
    {
        var ct = TestContext.Current.CancellationToken;
        var command = cluster.Command("sleep", "20")
            .WithPlacementConstraint("node.labels.sdock-test-missing==yes")
            .WithStartTimeout(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAsync<SwarmTaskPendingException>(() => command.RunManyAsync(replicas: 3, maxConcurrent: 3, ct));

        Assert.Empty(await cluster.LeftoversAsync(ct));
    }
}
