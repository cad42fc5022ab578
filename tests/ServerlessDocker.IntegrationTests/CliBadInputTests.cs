namespace ServerlessDocker.IntegrationTests;

/// <summary>
/// Bad input to `sdock`, through the built CLI as a child process against the real engine: one line naming what was
/// wrong and what to do, exit 125, never a stack trace, and nothing created.
/// </summary>
[Collection("sdock-cli")]
public sealed class CliBadInputTests(EngineFixture engine, SdockFixture sdock) : IClassFixture<SdockFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 90000)]
    [InlineData("--pids abc", "--pids: 'abc' is not a whole number")]
    [InlineData("--replicas 0 --swarm", "--replicas: '0' is not a whole number of 1 or more")]
    [InlineData("-it", "--tty: sdock gives a run no terminal")]
    [InlineData("-t", "--tty")]
    [InlineData("--memory NaNm", "--memory: 'NaNm' is not a size")]
    [InlineData("--timeout 1e400", "--timeout: '1e400' is too long")]
    [InlineData("--timeout Infinity", "--timeout: 'Infinity'")]
    [InlineData("--rm --keep", "--rm: --rm and --keep contradict")]
    [InlineData("-d -i", "--interactive: a detached run has no stdin")]
    public async Task Run_BadOption_OneLineNamingItExit125(string options, string expected)
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", .. options.Split(' '), .. engine.CliLabelArguments(test), "busybox", "true"], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.StartsWith("sdock: " + expected, r.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.DoesNotContain("System.", r.StandardError);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Theory(Timeout = 90000)]
    [InlineData("BAD//Image", "a path component is empty")]
    [InlineData("Busybox", "repository names must be lowercase")]
    [InlineData("busybox:-x", "is not a tag")]
    public async Task Run_InvalidImageReference_NamesTheImage(string image, string expected)
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", .. engine.CliLabelArguments(test), image, "true"], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains($"'{image}' is not an image reference", r.StandardError, StringComparison.Ordinal);
        Assert.Contains(expected, r.StandardError, StringComparison.Ordinal);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_Rm_AcceptedAndTheRunIsRemoved()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", "--rm", .. engine.CliLabelArguments(test), "--network", "none", "busybox", "echo", "ok"], Ct);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("ok\n", r.StandardOutput);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_PullAlwaysWithoutRegistry_SaysThePullFailedNotThatTheImageIsMissing()
    {
        var test = new TestCase();

        var r = await sdock.RunAsync(["run", "--pull", "always", .. engine.CliLabelArguments(test), "busybox", "true"], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.Contains("Pulling image 'busybox' failed", r.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("is not on the engine", r.StandardError, StringComparison.Ordinal);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task UnknownCommand_OneLineNamingIt()
    {
        var r = await sdock.RunAsync(["psx"], Ct);

        Assert.True(r.ExitCode == 125, r.ToString());
        Assert.StartsWith("sdock: 'psx' is not a sdock command", r.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", r.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90000)]
    public async Task RunHelp_UsageInDockersForm()
    {
        var r = await sdock.RunAsync(["run", "--help"], Ct);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("  sdock run [OPTIONS] IMAGE [ARG...]\n", r.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--rm", r.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90000)]
    public async Task Run_MegabyteArgumentWithNul_RefusedWithAShortMessage()
    {
        // A NUL cannot be passed on a command line, so the library is driven directly: the error is the library's.
        var test = new TestCase();
        var huge = new string('a', 2_000_000) + "\0";

        var ex = await Assert.ThrowsAsync<InvalidCommandException>(() => engine.Command(test, "busybox", "echo", huge).ExecuteBufferedAsync(Ct));

        Assert.Equal("argument 2", ex.Setting);
        Assert.True(ex.Message.Length <= ServerlessDockerException.MaxMessageLength, $"{ex.Message.Length} characters");
        await test.AssertNoContainersLeftAsync(Ct);
    }
}
