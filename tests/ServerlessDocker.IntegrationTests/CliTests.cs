namespace ServerlessDocker.IntegrationTests;

/// <summary>Builds ./sdock once (it builds itself on first use) before the CLI tests run.</summary>
public sealed class SdockFixture : IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var r = await Sdock.RunAsync(["--help"], cts.Token);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"./sdock --help failed; the CLI does not build or start: {r}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runs ./sdock with these arguments.</summary>
    public Task<ProcessResult> RunAsync(
        string[] arguments, CancellationToken cancellationToken, string? standardInput = null,
        IReadOnlyDictionary<string, string>? environment = null) =>
        Sdock.RunAsync(arguments, cancellationToken, standardInput, environment);
}

/// <summary>Runs ./sdock at the repository root as a child process.</summary>
public static class Sdock
{
    public static Task<ProcessResult> RunAsync(
        string[] arguments, CancellationToken cancellationToken, string? standardInput = null,
        IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync(Path.Combine(RepositoryRoot.Path, "sdock"), arguments, cancellationToken, standardInput, environment, RepositoryRoot.Path);
}

/// <summary>`sdock` driven as a process: output, exit codes, stdin, timeouts and errors as a user sees them.
/// One collection with the other CLI tests, so they run one after another.</summary>
[Collection("sdock-cli")]
public sealed class CliTests(EngineFixture engine, SdockFixture sdock) : IClassFixture<SdockFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 90000)]
    public async Task Run_Leftpad_PrintsPaddedFoo()
    {
        var r = await sdock.RunAsync(["run", "leftpad", "foo", "5"], Ct);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("  foo\n", r.StandardOutput);
        // The CLI process owned the run: nothing with its owner label may remain.
        Assert.Empty(await DockerCli.ContainerIdsAsync($"{FunctionLabels.Owner}={Environment.MachineName}:{r.ProcessId}", Ct));
    }

    [Fact(Timeout = 90000)]
    public async Task Run_NonZeroExit_PropagatesTheCodeAndKeepsStreamsApart()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "sh", "-c", "echo out; echo err >&2; exit 7"], Ct);

        Assert.True(r.ExitCode == 7, r.ToString());
        Assert.Equal("out\n", r.StandardOutput);
        Assert.Equal("err\n", r.StandardError);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_Interactive_PipesStdinWithEof()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", "-i", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "wc", "-l"], Ct,
            standardInput: "a\nb\nc\n");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("3", r.StandardOutput.Trim());
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_ContainerArgumentsThatLookLikeOptions_GoToTheContainer()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "echo", "-n", "--timeout", "x"], Ct);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("--timeout x", r.StandardOutput);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_Timeout_Exits125WithAMessageAndRemovesTheContainer()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", "--timeout", "1s", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "sleep", "60"], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains("timed out after 1s", r.StandardError);
        Assert.Contains("--timeout", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(30), r.ToString());
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Theory(Timeout = 90000)]
    [InlineData("--bogus", "--bogus")]
    [InlineData("--memory=lots", "--memory")]
    [InlineData("--timeout=soon", "--timeout")]
    [InlineData("--pull=sometimes", "--pull")]
    [InlineData("--cpus=many", "--cpus")]
    public async Task Run_BadOption_Exits125NamingTheOption(string option, string named)
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", option, .. engine.CliLabelArguments(test), "busybox", "true"], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains(named, r.StandardError);
        Assert.StartsWith("sdock: ", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_PullNeverMissingImage_Exits125NamingTheImage()
    {
        var test = new TestCase();
        var image = $"sdock-test/missing-{test.Id}";

        var r = await sdock.RunAsync(["run", "--pull", "never", .. engine.CliLabelArguments(test), image], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains(image, r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_EngineUnreachable_Exits125NamingTheEndpoint()
    {
        var r = await sdock.RunAsync(["run", "busybox", "true"], Ct,
            environment: new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///tmp/sdock-no-engine-here.sock" });

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains("/tmp/sdock-no-engine-here.sock", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_Detach_PrintsTheIdOfARunningContainer()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", "-d", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "sleep", "60"], Ct);
        var id = r.StandardOutput.Trim();
        try
        {
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Matches("^[0-9a-f]{64}$", id);
            var state = await DockerCli.RunAsync(Ct, "inspect", "--format", "{{.State.Running}}", id);
            Assert.Equal("true", state.StandardOutput.Trim());
        }
        finally
        {
            if (id.Length > 0)
            {
                var kill = await sdock.RunAsync(["kill", id], CancellationToken.None);
                Assert.True(kill.ExitCode == 0, kill.ToString());
            }
        }

        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task DetachLogsPsWait_DetachedRun_FollowsItToItsExitAndRemovesIt()
    {
        var test = new TestCase();

        var run = await sdock.RunAsync(["run", "-d", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "sh", "-c", "echo out; echo err >&2; sleep 1; exit 3"], Ct);
        var id = run.StandardOutput.Trim();
        Assert.True(run.ExitCode == 0, run.ToString());

        var ps = await sdock.RunAsync(["ps", "-q"], Ct);
        Assert.Contains(id[..12], ps.StandardOutput);

        var logs = await sdock.RunAsync(["logs", "-f", id], Ct);
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Equal("out\n", logs.StandardOutput);
        Assert.Equal("err\n", logs.StandardError);

        var wait = await sdock.RunAsync(["wait", "--rm", id], Ct);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal("3", wait.StandardOutput.Trim());
        Assert.False(await DockerCli.ContainerExistsAsync(id, Ct), "sdock wait --rm removes the run once it has exited");
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Logs_UnknownContainer_Exits125WithAMessage()
    {
        var r = await sdock.RunAsync(["logs", "no-such-container-" + Guid.NewGuid().ToString("N")], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains("no-such-container-", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
    }
}
