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
        // A checkout of ./sdock's own layout with the real native build, a stand-in full build and sources. The
        // native build checks the sources itself; when one is newer it goes back to the wrapper's full-build path,
        // whose rebuild fails here (no project), so the stale native build is seen never to run.
        var dir = Directory.CreateTempSubdirectory("sdock-wrapper-").FullName;
        try
        {
            var wrapper = Path.Combine(dir, "sdock");
            File.Copy(Path.Combine(RepositoryRoot.Path, "sdock"), wrapper);
            var native = Path.Combine(dir, "artifacts", "native", "sdock");
            Directory.CreateDirectory(Path.GetDirectoryName(native)!);
            File.Copy(Native, native);
            var dll = Path.Combine(dir, "artifacts", "bin", "ServerlessDocker.Cli", "release", "sdock.dll");
            Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
            await File.WriteAllTextAsync(dll, "", Ct);
            var source = Path.Combine(dir, "src", "ServerlessDocker", "Deep", "Run.cs");
            var project = Path.Combine(dir, "src", "ServerlessDocker", "ServerlessDocker.csproj");
            var props = Path.Combine(dir, "Directory.Build.props");
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            foreach (var file in new[] { source, project, props })
            {
                await File.WriteAllTextAsync(file, "<!-- a source -->", Ct);
            }

            var now = DateTime.UtcNow;
            File.SetLastWriteTimeUtc(native, now);
            foreach (var file in new[] { source, project, props, dll })
            {
                File.SetLastWriteTimeUtc(file, now.AddHours(-1));
            }

            var fresh = await ProcessRunner.RunAsync(wrapper, ["--version"], Ct, workingDirectory: dir);
            Assert.True(fresh.ExitCode == 0, fresh.ToString());
            Assert.Matches(@"^\d+\.\d+\.\d+", fresh.StandardOutput);

            // Each kind of source, edited, makes the native build stale.
            foreach (var edited in new[] { source, project, props })
            {
                File.SetLastWriteTimeUtc(edited, now.AddHours(1));
                var stale = await ProcessRunner.RunAsync(wrapper, ["--version"], Ct, workingDirectory: dir);
                Assert.True(stale.ExitCode == 125, $"{edited}: {stale}");
                Assert.Empty(stale.StandardOutput);
                Assert.Contains("sdock: building the CLI failed", stale.StandardError);
                File.SetLastWriteTimeUtc(edited, now.AddHours(-1));
            }

            // The full build the native one hands commands to must exist too.
            File.Delete(dll);
            var missing = await ProcessRunner.RunAsync(wrapper, ["--version"], Ct, workingDirectory: dir);
            Assert.True(missing.ExitCode == 125, missing.ToString());
            Assert.Contains("sdock: building the CLI failed", missing.StandardError);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
