using Docker.DotNet.Models;

namespace ServerlessDocker.Swarm.IntegrationTests;

[Collection(SwarmCollection.Name)]
public sealed class SwarmNodeLossTests(SwarmCluster cluster)
{
    private const string Worker = "sdswarm3";

    [Fact(Timeout = 180000)]
    public async Task Execute_WorkerDaemonStoppedMidRun_ThrowsNodeLostNotHang()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = cluster.Command("sleep", "120").WithPlacementConstraint($"node.hostname=={Worker}").ExecuteAsync(ct);
        Task<(int ExitCode, string Output)>? stop = null;
        try
        {
            var taskId = await run.ContainerId;
            await WaitUntilRunningAsync(taskId, ct);

            // Stopping takes ~10 s (the daemon stops its containers first): the run must notice before that ends.
            stop = SwarmCluster.ScriptAsync(ct, "node-stop", Worker);
            var ex = await Assert.ThrowsAsync<SwarmNodeLostException>(() => run.Task);

            Assert.Equal(Worker, ex.NodeHostname);
            Assert.Contains(ex.NodeState, new[] { "down", "disconnected" });
            Assert.Empty(await cluster.LeftoversAsync(ct));
        }
        finally
        {
            if (stop is not null)
            {
                await stop;
            }

            // Later tests (and the benchmark) want all three nodes back.
            var (code, output) = await SwarmCluster.ScriptAsync(ct, "node-start", Worker);
            Assert.True(code == 0, $"scripts/swarm node-start {Worker} failed: {output}");
        }
    }

    private async Task WaitUntilRunningAsync(string taskId, CancellationToken ct)
    {
        for (var i = 0; i < 200; i++)
        {
            var task = await cluster.Engine.Tasks.InspectAsync(taskId, ct);
            if (task.Status?.State == TaskState.Running)
            {
                return;
            }

            await Task.Delay(100, ct);
        }

        Assert.Fail($"task {taskId} did not reach running on {Worker} within 20 s");
    }
}
