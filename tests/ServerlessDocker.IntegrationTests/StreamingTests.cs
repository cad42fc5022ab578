using System.Text;

namespace ServerlessDocker.IntegrationTests;

/// <summary>Streaming runs: events, pipes between containers, the buffered output cap.</summary>
public sealed class StreamingTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task ListenAsync_Run_YieldsStartedThenLinesThenExited()
    {
        var test = new TestCase();
        var events = new List<ContainerEvent>();

        await foreach (var e in engine.Command(test, "busybox", "sh", "-c", "echo out1; echo err1 >&2; echo out2; printf 'no newline'").ListenAsync(Ct))
        {
            events.Add(e);
        }

        var started = Assert.IsType<StartedContainerEvent>(events[0]);
        Assert.Matches("^[0-9a-f]{64}$", started.ContainerId);
        Assert.Equal(0, Assert.IsType<ExitedContainerEvent>(events[^1]).ExitCode);
        Assert.Equal(["out1", "out2", "no newline"], events.OfType<StandardOutputContainerEvent>().Select(e => e.Text));
        Assert.Equal(["err1"], events.OfType<StandardErrorContainerEvent>().Select(e => e.Text));
        Assert.Single(events.OfType<StartedContainerEvent>());
        Assert.Single(events.OfType<ExitedContainerEvent>());
        Assert.False(await DockerCli.ContainerExistsAsync(started.ContainerId, Ct));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ListenAsync_NonZeroExit_YieldsExitedThenThrows()
    {
        var test = new TestCase();
        var events = new List<ContainerEvent>();

        var ex = await Assert.ThrowsAsync<ContainerExitException>(async () =>
        {
            await foreach (var e in engine.Command(test, "busybox", "sh", "-c", "echo before; exit 5").ListenAsync(Ct))
            {
                events.Add(e);
            }
        });

        Assert.Equal(5, ex.ExitCode);
        Assert.Equal(5, Assert.IsType<ExitedContainerEvent>(events[^1]).ExitCode);
        Assert.Equal(["before"], events.OfType<StandardOutputContainerEvent>().Select(e => e.Text));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ListenAsync_ListenerLeavesEarly_StopsAndRemovesTheContainer()
    {
        var test = new TestCase();
        string? id = null;

        await foreach (var e in engine.Command(test, "busybox", "sh", "-c", "echo ready; sleep 60")
                           .WithStopGracePeriod(TimeSpan.FromSeconds(1)).ListenAsync(Ct))
        {
            if (e is StartedContainerEvent started)
            {
                id = started.ContainerId;
            }

            if (e is StandardOutputContainerEvent { Text: "ready" })
            {
                break;
            }
        }

        Assert.NotNull(id);
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct), "leaving the loop should stop and remove the container");
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ListenAsync_CallerCancels_ThrowsWithTheCallersTokenAndRemoves()
    {
        var test = new TestCase();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string? id = null;

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in engine.Command(test, "busybox", "sh", "-c", "echo ready; sleep 60")
                               .WithStopGracePeriod(TimeSpan.FromSeconds(1)).ListenAsync(cts.Token))
            {
                if (e is StartedContainerEvent started)
                {
                    id = started.ContainerId;
                }

                if (e is StandardOutputContainerEvent { Text: "ready" })
                {
                    cts.Cancel();
                }
            }
        });

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.NotNull(id);
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task PipeOperator_TwoContainers_FeedsTheFirstsStdoutIntoTheSecond()
    {
        var test = new TestCase();
        var producer = engine.Command(test, "busybox", "sh", "-c", "printf 'pear\\napple\\nfig\\n'");
        var consumer = engine.Command(test, "busybox", "sort");

        var result = await (producer | consumer).ExecuteBufferedAsync(Ct);

        Assert.Equal("apple\nfig\npear\n", result.StandardOutput);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task PipeOperator_LargeStreamBetweenContainers_ArrivesComplete()
    {
        var test = new TestCase();
        var producer = engine.Command(test, "busybox", "head", "-c", "20000000", "/dev/zero");
        var consumer = engine.Command(test, "busybox", "wc", "-c");

        var result = await (producer | consumer).ExecuteBufferedAsync(Ct);

        Assert.Equal("20000000", result.StandardOutput.Trim());
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_DelegateTarget_ReadsTheOutputWhileItStreams()
    {
        var test = new TestCase();
        var firstLineSeenWhileRunning = false;
        ContainerTask<ContainerResult>? task = null;
        var target = PipeTarget.Create(async (source, ct) =>
        {
            using var reader = new StreamReader(source);
            var first = await reader.ReadLineAsync(ct);
            firstLineSeenWhileRunning = first == "first" && task is { Task.IsCompleted: false };
            await reader.ReadToEndAsync(ct);
        });

        task = (engine.Command(test, "busybox", "sh", "-c", "echo first; sleep 2; echo second") | target).ExecuteAsync(Ct);
        await task;

        Assert.True(firstLineSeenWhileRunning, "the first line should arrive before the container exits");
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_OutputOverTheCap_ThrowsAndRemovesTheContainer()
    {
        var test = new TestCase();
        string? id = null;

        // Endless output: only the cap can end this run (the timeout is a safety net that would fail the test).
        var task = engine.Command(test, "busybox", "cat", "/dev/zero")
            .WithOutputLimit(1024 * 1024)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .ExecuteBufferedAsync(Ct);
        var ex = await Assert.ThrowsAsync<OutputLimitExceededException>(async () =>
        {
            id = await task.ContainerId;
            await task;
        });

        Assert.Equal(1024 * 1024, ex.LimitBytes);
        Assert.Contains("WithOutputLimit", ex.Message);
        Assert.NotNull(id);
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_OutputJustUnderTheCap_Succeeds()
    {
        var test = new TestCase();

        var result = await engine.Command(test, "busybox", "head", "-c", "1000000", "/dev/zero")
            .WithOutputLimit(1_000_000)
            .ExecuteBufferedAsync(Ct);

        Assert.Equal(1_000_000, result.StandardOutput.Length);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_DelegateLines_ReceivesStdoutAndStderrLines()
    {
        var test = new TestCase();
        var stdout = new List<string>();
        var stderr = new StringBuilder();

        await engine.Command(test, "busybox", "sh", "-c", "for i in 1 2 3; do echo line $i; done; echo warn >&2")
            .WithStandardOutputPipe(PipeTarget.ToDelegate(stdout.Add))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(Ct);

        Assert.Equal(["line 1", "line 2", "line 3"], stdout);
        Assert.Equal("warn\n", stderr.ToString());
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_TargetThrows_StopsTheRunWithTheTargetsErrorAndRemoves()
    {
        var test = new TestCase();
        var failing = PipeTarget.Create(async (source, ct) =>
        {
            var buffer = new byte[16];
            await source.ReadExactlyAsync(buffer, ct);
            throw new InvalidDataException("the consumer rejected the output");
        });

        // Endless output: only the failing target can end this run.
        var task = (engine.Command(test, "busybox", "sh", "-c", "while true; do echo data; done").WithStopGracePeriod(TimeSpan.FromSeconds(1)) | failing)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .ExecuteAsync(Ct);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () => await task);

        Assert.Equal("the consumer rejected the output", ex.Message);
        Assert.False(await DockerCli.ContainerExistsAsync(await task.ContainerId, Ct));
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_SourceThrows_StopsTheRunWithTheSourcesErrorAndRemoves()
    {
        var test = new TestCase();
        var failing = PipeSource.Create(async (destination, ct) =>
        {
            await destination.WriteAsync("first line\n"u8.ToArray(), ct);
            await Task.Delay(200, ct);
            throw new InvalidDataException("the input broke");
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await (failing | engine.Command(test, "busybox", "cat").WithStopGracePeriod(TimeSpan.FromSeconds(1)))
                .WithTimeout(TimeSpan.FromSeconds(30))
                .ExecuteBufferedAsync(Ct));

        Assert.Equal("the input broke", ex.Message);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_CommandNotInImage_ThrowsStartErrorWithCode127AndRemoves()
    {
        var test = new TestCase();

        var ex = await Assert.ThrowsAsync<ContainerStartException>(async () =>
            await engine.Command(test, "busybox", "/no/such/program").ExecuteBufferedAsync(Ct));

        Assert.Equal(127, ex.ExitCode);
        Assert.Equal("start the container", Assert.IsType<EngineApiException>(ex.InnerException).Operation);
        Assert.Contains("/no/such/program", ex.Message);
        await test.AssertNoContainersLeftAsync(Ct);
    }
}
