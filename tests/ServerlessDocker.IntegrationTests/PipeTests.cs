using System.Diagnostics;

namespace ServerlessDocker.IntegrationTests;

/// <summary>Pipes between containers end the way a shell pipeline does, and leave no container of the pipe behind.</summary>
public sealed class PipeTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task Pipe_DownstreamExitsEarly_UpstreamIsStoppedAndBothAreRemoved()
    {
        var test = new TestCase();
        var watch = Stopwatch.StartNew();

        var result = await (engine.Command(test, "busybox", "yes") | engine.Command(test, "busybox", "head", "-1"))
            .ExecuteBufferedAsync(Ct);

        Assert.Equal("y\n", result.StandardOutput);
        // The upstream is killed at once (no stop grace): a second or two, not the engine's 10 s stop default.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the pipe took {watch.Elapsed}; the upstream should be killed when head exits");
        Assert.Empty(await DockerCli.ContainerIdsAsync(test.Label, Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Pipe_TimesOut_EveryContainerOfThePipeIsGoneWhenTheExceptionArrives()
    {
        var test = new TestCase();
        var pipe = (engine.Command(test, "busybox", "sleep", "60") | engine.Command(test, "busybox", "cat"))
            .WithTimeout(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<ContainerTimeoutException>(() => pipe.ExecuteAsync(Ct).Task);

        Assert.Empty(await DockerCli.ContainerIdsAsync(test.Label, Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Pipe_Cancelled_EveryContainerOfThePipeIsGoneWhenTheExceptionArrives()
    {
        var test = new TestCase();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = (engine.Command(test, "busybox", "sleep", "60") | engine.Command(test, "busybox", "cat")).ExecuteAsync(cts.Token);
        await run.ContainerId;
        await Task.Delay(500, Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Task);

        Assert.Empty(await DockerCli.ContainerIdsAsync(test.Label, Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Output_TargetClosesItsPipe_StopsTheRunAndRemovesIt()
    {
        var test = new TestCase();
        var closed = PipeTarget.Create(async (source, ct) =>
        {
            var buffer = new byte[16];
            await source.ReadExactlyAsync(buffer, ct);
            throw new IOException("Broken pipe");
        });

        await Assert.ThrowsAsync<IOException>(() => (engine.Command(test, "busybox", "yes") | closed).ExecuteAsync(Ct).Task);

        Assert.Empty(await DockerCli.ContainerIdsAsync(test.Label, Ct));
    }
}
