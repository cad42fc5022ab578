namespace ServerlessDocker.IntegrationTests;

/// <summary>
/// The native sdock (scripts/cli, which scripts/test runs): the short-lived commands in the NativeAOT executable,
/// the hand-over of `serve`, `proxy` and scoped runs to the full build, and ./sdock's rule that nothing stale runs.
/// </summary>
[Collection("sdock-cli")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliNativeBuildTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Native
    {
        get
        {
            var path = Path.Combine(RepositoryRoot.Path, "artifacts", "native", "sdock");
            Assert.True(File.Exists(path), $"{path} is missing: run scripts/cli (scripts/test does) before these tests.");
            return path;
        }
    }

    private static string FullBuild => Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "ServerlessDocker.Cli", "release", "sdock.dll");

    private static Task<ProcessResult> NativeAsync(string[] arguments, string? fullBuild) =>
        ProcessRunner.RunAsync(Native, arguments, Ct, environment: new Dictionary<string, string> { ["SDOCK_FULL_CLI"] = fullBuild ?? "" });

    [Fact(Timeout = 90000)]
    public async Task NativeRun_Leftpad_PrintsPaddedFooAndLeavesNothing()
    {
        var r = await NativeAsync(["run", "--network", "none", "leftpad", "foo", "5"], fullBuild: null);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("  foo\n", r.StandardOutput);
        Assert.Empty(await DockerCli.ContainerIdsAsync($"{FunctionLabels.Owner}={Environment.MachineName}:{r.ProcessId}", Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task NativeServe_WithoutTheFullBuild_SaysWhatIsMissingInOneLine()
    {
        var r = await NativeAsync(["serve", "--help"], fullBuild: null);

        Assert.Equal(125, r.ExitCode);
        Assert.Empty(r.StandardOutput);
        var line = Assert.Single(r.StandardError.TrimEnd('\n').Split('\n'));
        Assert.Contains("'sdock serve' runs in the full build", line);
        Assert.Contains("SDOCK_FULL_CLI", line);
    }

    [Fact(Timeout = 60000)]
    public async Task NativeServe_HandsOverToTheFullBuild_InTheSameProcess()
    {
        var r = await NativeAsync(["serve", "--help"], FullBuild);

        Assert.True(r.ExitCode == 0, r.ToString());
        // Only the full build knows serve's options: the native one lists the command without them.
        Assert.Contains("--admin-listen", r.StandardOutput);
    }

    [Fact(Timeout = 90000)]
    public async Task NativeScopedRun_HandsOverAndTheContainerSeesItsScopedSocket()
    {
        var test = new TestCase();

        var r = await NativeAsync(["run", .. engine.CliLabelArguments(test), "--docker-access", "scoped", "busybox", "sh", "-c", "test -S /var/run/docker.sock && echo scoped"], FullBuild);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("scoped\n", r.StandardOutput);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task NativeScopedRun_WithABadValue_IsRefusedBeforeAnyHandOver()
    {
        var r = await NativeAsync(["run", "--docker-access", "open", "busybox", "true"], fullBuild: null);

        Assert.Equal(125, r.ExitCode);
        Assert.Contains("--docker-access: 'open' is not 'scoped'", r.StandardError);
    }

    [Fact(Timeout = 60000)]
    public async Task Wrapper_RunsTheNativeBuildOnlyWhileNoSourceIsNewer()
    {
        // A checkout of ./sdock's own layout: a stand-in native build that says it ran, and one source file.
        var dir = Directory.CreateTempSubdirectory("sdock-wrapper-").FullName;
        try
        {
            var wrapper = Path.Combine(dir, "sdock");
            File.Copy(Path.Combine(RepositoryRoot.Path, "sdock"), wrapper);
            var source = Path.Combine(dir, "src", "ServerlessDocker", "Run.cs");
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            await File.WriteAllTextAsync(source, "// a source", Ct);
            var native = Path.Combine(dir, "artifacts", "native", "sdock");
            Directory.CreateDirectory(Path.GetDirectoryName(native)!);
            await File.WriteAllTextAsync(native, "#!/bin/sh\necho \"native $*\"\n", Ct);
            File.SetUnixFileMode(native, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var dll = Path.Combine(dir, "artifacts", "bin", "ServerlessDocker.Cli", "release", "sdock.dll");
            Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
            await File.WriteAllTextAsync(dll, "", Ct);
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddHours(-1));

            var fresh = await ProcessRunner.RunAsync(wrapper, ["ps", "-a"], Ct, workingDirectory: dir);
            Assert.True(fresh.ExitCode == 0, fresh.ToString());
            Assert.Equal("native ps -a\n", fresh.StandardOutput);

            // An edited source makes both builds stale: the wrapper rebuilds (which fails here: no project) and
            // never runs the stale native build.
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddHours(1));
            var stale = await ProcessRunner.RunAsync(wrapper, ["ps", "-a"], Ct, workingDirectory: dir);
            Assert.Equal(125, stale.ExitCode);
            Assert.DoesNotContain("native", stale.StandardOutput);
            Assert.Contains("sdock: building the CLI failed", stale.StandardError);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
