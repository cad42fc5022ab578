namespace ServerlessDocker.IntegrationTests;

/// <summary>Synchronous runs: results, exit codes, separate streams, stdin, options.</summary>
public sealed class RunTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task RunAsync_Leftpad_ReturnsPaddedStdout()
    {
        var output = await engine.Docker.RunAsync("leftpad", ["foo", "5"], Ct);

        Assert.Equal("  foo\n", output);
    }

    [Fact(Timeout = 60000)]
    public async Task RunBufferedAsync_Leftpad_ReturnsResultAndRemovesTheContainer()
    {
        var result = await engine.Docker.RunBufferedAsync("leftpad", ["foo", "5"], Ct);

        Assert.Equal("  foo\n", result.StandardOutput);
        Assert.Equal("", result.StandardError);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^[0-9a-f]{64}$", result.ContainerId);
        Assert.True(result.RunTime > TimeSpan.Zero);
        Assert.False(await DockerCli.ContainerExistsAsync(result.ContainerId, Ct), "the container should be removed after the run");
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_BothStreams_KeepsStdoutAndStderrApart()
    {
        var test = new TestCase();

        var result = await engine.Command(test, "busybox", "sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2")
            .ExecuteBufferedAsync(Ct);

        Assert.Equal("out1\nout2\n", result.StandardOutput);
        Assert.Equal("err1\nerr2\n", result.StandardError);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_NonZeroExit_ThrowsWithStdoutStderrAndExitCode()
    {
        var test = new TestCase();

        var ex = await Assert.ThrowsAsync<ContainerExitException>(async () =>
            await engine.Command(test, "busybox", "sh", "-c", "echo partial result; echo it broke >&2; exit 3").ExecuteBufferedAsync(Ct));

        Assert.Equal(3, ex.ExitCode);
        Assert.Equal("partial result\n", ex.StandardOutput);
        Assert.Equal("it broke\n", ex.StandardError);
        Assert.Equal("busybox", ex.Image);
        Assert.Equal(["sh", "-c", "echo partial result; echo it broke >&2; exit 3"], ex.Arguments);
        Assert.Matches("^[0-9a-f]{64}$", ex.ContainerId);
        Assert.False(ex.OutputIsTail);
        Assert.Contains("exited with code 3", ex.Message);
        Assert.Contains("it broke", ex.Message);
        Assert.Contains("WithValidation(ResultValidation.None)", ex.Message);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_NonZeroExitWhileStreaming_ThrowsWithTheTailOfBothStreams()
    {
        var test = new TestCase();
        var stdout = new System.Text.StringBuilder();

        var ex = await Assert.ThrowsAsync<ContainerExitException>(async () =>
            await (engine.Command(test, "busybox", "sh", "-c", "echo streamed; echo failed >&2; exit 4") | PipeTarget.ToStringBuilder(stdout))
                .ExecuteAsync(Ct));

        Assert.Equal(4, ex.ExitCode);
        Assert.Equal("streamed\n", stdout.ToString());
        Assert.Equal("streamed\n", ex.StandardOutput);
        Assert.Equal("failed\n", ex.StandardError);
        Assert.True(ex.OutputIsTail);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Theory(Timeout = 60000)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(255)]
    public async Task ExecuteBufferedAsync_ValidationNone_ReturnsTheExitCode(int code)
    {
        var test = new TestCase();

        var result = await engine.Command(test, "busybox", "sh", "-c", $"echo done; exit {code}")
            .WithValidation(ResultValidation.None)
            .ExecuteBufferedAsync(Ct);

        Assert.Equal(code, result.ExitCode);
        Assert.Equal(code == 0, result.IsSuccess);
        Assert.Equal("done\n", result.StandardOutput);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_StdinFromString_ReachesTheContainerWithEof()
    {
        var test = new TestCase();

        // wc -l only prints once it has read EOF: the half-close must reach the container.
        var result = await (PipeSource.FromString("one\ntwo\nthree\n") | engine.Command(test, "busybox", "wc", "-l"))
            .ExecuteBufferedAsync(Ct);

        Assert.Equal("3", result.StandardOutput.Trim());
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_LargeStdin_IsCopiedCompletely()
    {
        var test = new TestCase();
        var data = new byte[5 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(data);

        var result = await (PipeSource.FromBytes(data) | engine.Command(test, "busybox", "wc", "-c")).ExecuteBufferedAsync(Ct);

        Assert.Equal(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardOutput.Trim());
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_FunctionIgnoresItsStdin_StillSucceeds()
    {
        var test = new TestCase();
        var data = new byte[8 * 1024 * 1024];

        var result = await (PipeSource.FromBytes(data) | engine.Command(test, "busybox", "echo", "not reading")).ExecuteBufferedAsync(Ct);

        Assert.Equal("not reading\n", result.StandardOutput);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_ContainerId_IsKnownBeforeTheRunEnds()
    {
        var test = new TestCase();

        var task = engine.Command(test, "busybox", "sleep", "4").ExecuteAsync(Ct);
        var id = await task.ContainerId;

        Assert.False(task.Task.IsCompleted, "the id should be known while the container still runs");
        Assert.True(await DockerCli.ContainerExistsAsync(id, Ct), "the engine should hold the container the id names");
        var result = await task;
        Assert.Equal(id, result.ContainerId);
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_Options_AreAppliedToTheContainer()
    {
        var test = new TestCase();

        var result = await engine.Command(test, "busybox", "-c", "echo \"$GREETING|$(pwd)|$(id -u)\"; touch /probe 2>/dev/null && echo rw || echo ro")
            .WithEntrypoint("/bin/sh")
            .WithEnvironment("GREETING", "hello world")
            .WithWorkingDirectory("/tmp")
            .WithUser("1234")
            .WithReadOnlyRootFilesystem()
            .WithRemoveAfterRun(false)
            .WithMemoryLimit(64L * 1024 * 1024)
            .WithCpus(0.5)
            .WithPidsLimit(50)
            .ExecuteBufferedAsync(Ct);
        try
        {
            Assert.Equal("hello world|/tmp|1234\nro\n", result.StandardOutput);
            var inspect = await DockerCli.RunAsync(Ct, "inspect", "--format",
                "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.NetworkMode}} {{.HostConfig.AutoRemove}} {{index .Config.Labels \"io.sdock.function\"}}",
                result.ContainerId);
            Assert.Equal($"{64L * 1024 * 1024} 500000000 50 none false true", inspect.StandardOutput.Trim());
        }
        finally
        {
            await DockerCli.RemoveAsync([result.ContainerId], CancellationToken.None);
        }

        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_EveryContainer_CarriesTheProjectLabels()
    {
        var test = new TestCase();
        string? labels = null;

        var task = engine.Command(test, "busybox", "sleep", "1").ExecuteAsync(Ct);
        var id = await task.ContainerId;
        labels = (await DockerCli.RunAsync(Ct, "inspect", "--format", "{{json .Config.Labels}}", id)).StandardOutput;
        await task;

        Assert.Contains("\"io.sdock.function\":\"true\"", labels);
        Assert.Contains($"\"io.sdock.owner\":\"{FunctionLabels.CurrentOwner}\"", labels);
        Assert.Contains("\"io.sdock.image\":\"busybox\"", labels);
        Assert.Matches("\"io.sdock.run\":\"[0-9a-f]{32}\"", labels);
        await test.AssertNoContainersLeftAsync(Ct);
    }
}
