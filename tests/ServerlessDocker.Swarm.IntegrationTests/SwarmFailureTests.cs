namespace ServerlessDocker.Swarm.IntegrationTests;

[Collection(SwarmCollection.Name)]
public sealed class SwarmFailureTests(SwarmCluster cluster)
{
    [Fact(Timeout = 60000)]
    public async Task Execute_NoNodeSatisfiesConstraint_ThrowsPendingWithSchedulerReason()
    {
        var ct = TestContext.Current.CancellationToken;
        var command = cluster.Command("true")
            .WithPlacementConstraint("node.labels.sdock-test-missing==yes")
            .WithStartTimeout(TimeSpan.FromSeconds(3));

        var ex = await Assert.ThrowsAsync<SwarmTaskPendingException>(() => command.ExecuteAsync(ct).Task);

        Assert.Equal("pending", ex.State);
        Assert.Contains("no suitable node", ex.Reason, StringComparison.Ordinal);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Execute_ReservationNoNodeHas_ThrowsPending()
    {
        var ct = TestContext.Current.CancellationToken;
        var command = cluster.Command("true")
            .WithResourceReservation(cpus: 512)
            .WithStartTimeout(TimeSpan.FromSeconds(3));

        var ex = await Assert.ThrowsAsync<SwarmTaskPendingException>(() => command.ExecuteAsync(ct).Task);

        Assert.Contains("insufficient resources", ex.Reason, StringComparison.Ordinal);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Execute_ImageNotInRegistry_ThrowsRejected()
    {
        var ct = TestContext.Current.CancellationToken;
        var command = cluster.Docker.Command($"{cluster.Registry}/sdock-test/does-not-exist:latest", ["true"]).OnSwarm(cluster.Swarm);

        var ex = await Assert.ThrowsAsync<SwarmTaskRejectedException>(() => command.ExecuteAsync(ct).Task);

        Assert.False(string.IsNullOrEmpty(ex.Reason));
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Execute_RunsPastTimeout_ThrowsContainerTimeoutAndRemovesService()
    {
        var ct = TestContext.Current.CancellationToken;

        var ex = await Assert.ThrowsAsync<ContainerTimeoutException>(() =>
            cluster.Command("sleep", "60").WithTimeout(TimeSpan.FromSeconds(3)).ExecuteAsync(ct).Task);

        Assert.Equal(TimeSpan.FromSeconds(3), ex.Timeout);
        Assert.Empty(await cluster.LeftoversAsync(ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Execute_Cancelled_ThrowsWithCallersTokenAndRemovesService()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = cluster.Command("sleep", "60").ExecuteAsync(cts.Token);
        await run.ContainerId;
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Task);

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Empty(await cluster.LeftoversAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30000)]
    public async Task Prune_All_RemovesLabelledServices()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await cluster.Command("sleep", "60").StartDetachedAsync(ct);

        var removed = await cluster.Swarm.PruneAsync(all: true, ct);

        Assert.Contains(run.Id, removed);
        Assert.Empty(await cluster.LeftoversAsync(ct));
        await run.DisposeAsync();
    }
}
