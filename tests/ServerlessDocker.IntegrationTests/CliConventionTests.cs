using System.Diagnostics;

namespace ServerlessDocker.IntegrationTests;

/// <summary>
/// `sdock` as a child process under the conventions a docker user relies on: exit codes, signals, pipes, `-e NAME`,
/// `wait` then `logs`, and refusing containers it did not start.
/// </summary>
[Collection("sdock-cli")]
public sealed class CliConventionTests(EngineFixture engine, SdockFixture sdock) : IClassFixture<SdockFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 90000)]
    [InlineData("no-such-command", 127)]
    [InlineData("/etc/passwd", 126)]
    public async Task Run_CommandNotFoundOrNotExecutable_ExitsWithDockersCode(string program, int expected)
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", .. engine.CliLabelArguments(test), "--network", "none", "busybox", program], Ct);

        Assert.True(r.ExitCode == expected, r.ToString());
        Assert.Contains(program, r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Theory(Timeout = 90000)]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task Run_Signal_StopsAndRemovesTheContainerThenExitsLikeDocker(string signal, int expected)
    {
        var test = new TestCase();
        using var process = Start(["run", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "sleep", "60"]);
        await WaitForContainerAsync(test);

        using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bound.Token);
        Assert.Equal(expected, process.ExitCode);
        Assert.Empty(await DockerCli.ContainerIdsAsync(test.Label, Ct));
    }

    [Fact(Timeout = 90000)]
    public async Task Run_StdoutReaderGoesAway_SdockEndsAndTheContainerIsRemoved()
    {
        var test = new TestCase();
        var labels = string.Join(' ', engine.CliLabelArguments(test));
        var watch = Stopwatch.StartNew();

        var r = await ProcessRunner.RunAsync("bash",
            ["-c", $"./sdock run {labels} --network none busybox yes | head -1; echo \"sdock=${{PIPESTATUS[0]}}\""],
            Ct, workingDirectory: RepositoryRoot.Path);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("y\nsdock=141\n", r.StandardOutput);
        // The container is killed at once (SIGPIPE has no grace either), not stopped with the engine's 10 s default.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Empty(await DockerCli.ContainerIdsAsync(test.Label, Ct));
    }

    [Fact(Timeout = 90000)]
    public async Task Run_OutOfMemory_Exits137AndSaysSo()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(
            ["run", .. engine.CliLabelArguments(test), "--network", "none", "--memory", "16m", "busybox", "sh", "-c", "head -c 200m /dev/zero | tail"], Ct);

        Assert.True(r.ExitCode == 137, r.ToString());
        Assert.Contains("sdock: killed: out of memory (busybox reached its memory limit of 16777216 bytes; raise it with --memory)", r.StandardError);
        Assert.Empty(await DockerCli.ContainerIdsAsync(test.Label, Ct));
    }

    [Fact(Timeout = 90000)]
    public async Task Run_EnvWithoutValue_TakesItFromSdocksEnvironmentOrLeavesItUnset()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(
            ["run", .. engine.CliLabelArguments(test), "--network", "none", "-e", "SDOCK_T_SET", "-e", "SDOCK_T_UNSET", "busybox",
             "sh", "-c", "echo \"set=$SDOCK_T_SET\"; if env | grep -q SDOCK_T_UNSET; then echo unset-is-present; else echo unset-is-absent; fi"],
            Ct, environment: new Dictionary<string, string> { ["SDOCK_T_SET"] = "from-sdock" });

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("set=from-sdock\nunset-is-absent\n", r.StandardOutput);
    }

    [Fact(Timeout = 90000)]
    public async Task WaitThenLogs_KeepsTheRunsOutputByteForByte_AndRmRemovesIt()
    {
        var test = new TestCase();
        var run = await sdock.RunAsync(
            ["run", "-d", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "printf", "no newline at the end"], Ct);
        var id = run.StandardOutput.Trim();
        Assert.True(run.ExitCode == 0, run.ToString());

        var wait = await sdock.RunAsync(["wait", id], Ct);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal("0\n", wait.StandardOutput);

        var logs = await sdock.RunAsync(["logs", id], Ct);
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Equal("no newline at the end", logs.StandardOutput);

        var rm = await sdock.RunAsync(["rm", id], Ct);
        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct));

        var gone = await sdock.RunAsync(["logs", id], Ct);
        Assert.True(gone.ExitCode == 125, gone.ToString());
        Assert.Contains(id, gone.StandardError);
        Assert.Contains("removed", gone.StandardError);
    }

    [Theory(Timeout = 90000)]
    [InlineData("kill")]
    [InlineData("wait")]
    [InlineData("logs")]
    [InlineData("rm")]
    public async Task KillWaitLogsRm_ContainerNotStartedBySdock_IsRefusedAndLeftAlone(string verb)
    {
        var test = new TestCase();
        var created = await DockerCli.RunAsync(Ct, "run", "-d", "--network", "none", "-l", test.Label, "busybox", "sleep", "60");
        var id = created.StandardOutput.Trim();
        try
        {
            Assert.True(created.ExitCode == 0, created.ToString());

            var r = await sdock.RunAsync([verb, id], Ct);

            Assert.True(r.ExitCode == 125, r.ToString());
            Assert.Contains("io.sdock.function", r.StandardError);
            var state = await DockerCli.RunAsync(Ct, "inspect", "--format", "{{.State.Running}}", id);
            Assert.Equal("true", state.StandardOutput.Trim());
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rm", "-f", id);
        }
    }

    private static Process Start(string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(RepositoryRoot.Path, "sdock")) { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForContainerAsync(TestCase test)
    {
        for (var i = 0; i < 150; i++)
        {
            var state = await DockerCli.RunAsync(Ct, "ps", "--filter", $"label={test.Label}", "--filter", "status=running", "-q");
            if (state.StandardOutput.Trim().Length > 0)
            {
                return;
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail("the container of the sdock run never started");
    }
}
