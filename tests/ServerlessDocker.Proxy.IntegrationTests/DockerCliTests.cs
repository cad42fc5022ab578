namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>The real docker CLI through a scope's socket: everyday commands work, including the hijacked ones.</summary>
public sealed class DockerCliTests(ProxyEnvironment environment) : IAsyncLifetime
{
    private ProxyScope _scope = null!;

    public async ValueTask InitializeAsync() => _scope = await environment.CreateScopeAsync("cli");

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        Assert.Empty(await DockerCli.ContainersOfAsync(_scope, CancellationToken.None));
    }

    private async Task<ProcessResult> DockerAsync(string[] args, string? stdin = null)
    {
        var r = await DockerCli.ThroughAsync(_scope, TestContext.Current.CancellationToken, args, stdin);
        Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', args)}: {r}");
        return r;
    }

    [Fact(Timeout = 60000)]
    public async Task RunInteractive_StdinWithEof_ReachesContainerAndExits()
    {
        var r = await DockerAsync(["run", "--rm", "-i", "busybox", "sh", "-c", "wc -l; echo done"], "a\nb\nc\n");

        Assert.Equal("3\ndone", r.StandardOutput.Trim());
        Assert.Empty(await DockerCli.ContainersOfAsync(_scope, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60000)]
    public async Task ExecInteractive_StdinFromFile_HalfCloseDeliversEof()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = (await DockerAsync(["run", "-d", "busybox", "sleep", "120"])).StandardOutput.Trim();
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Repeat("0123456789\n", 1000)), ct);
        try
        {
            var r = await ProcessRunner.RunAsync("sh", ["-c", $"docker exec -i {id} wc -c < {file}"], ct, environment: new Dictionary<string, string> { ["DOCKER_HOST"] = _scope.DockerHost });

            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("11000", r.StandardOutput.Trim());
        }
        finally
        {
            File.Delete(file);
            await DockerAsync(["rm", "-f", id]);
        }
    }

    [Fact(Timeout = 60000)]
    public async Task Attach_RunningContainer_StreamsOutputUntilExit()
    {
        var id = (await DockerAsync(["run", "-d", "busybox", "sh", "-c", "sleep 8; echo attached-output"])).StandardOutput.Trim();

        var r = await DockerAsync(["attach", "--no-stdin", id]);

        Assert.Contains("attached-output", r.StandardOutput, StringComparison.Ordinal);
        await DockerAsync(["rm", "-f", id]);
    }

    [Fact(Timeout = 60000)]
    public async Task LogsFollow_LongerThanAnIdleGap_GetsEveryLine()
    {
        var id = (await DockerAsync(["run", "-d", "busybox", "sh", "-c", "echo one; sleep 3; echo two"])).StandardOutput.Trim();

        var r = await DockerAsync(["logs", "-f", id]);

        Assert.Equal("one\ntwo", r.StandardOutput.Trim());
        await DockerAsync(["rm", "-f", id]);
    }

    [Fact(Timeout = 60000)]
    public async Task Copy_BothWays_RoundTripsContent()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = (await DockerAsync(["run", "-d", "busybox", "sleep", "120"])).StandardOutput.Trim();
        var dir = Directory.CreateTempSubdirectory("sdock-cp");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "in.txt"), "through the proxy", ct);
            await DockerAsync(["cp", Path.Combine(dir.FullName, "in.txt"), $"{id}:/tmp/in.txt"]);
            await DockerAsync(["exec", id, "cp", "/tmp/in.txt", "/tmp/out.txt"]);
            await DockerAsync(["cp", $"{id}:/tmp/out.txt", Path.Combine(dir.FullName, "out.txt")]);

            Assert.Equal("through the proxy", await File.ReadAllTextAsync(Path.Combine(dir.FullName, "out.txt"), ct));
        }
        finally
        {
            dir.Delete(recursive: true);
            await DockerAsync(["rm", "-f", id]);
        }
    }

    [Fact(Timeout = 120000)]
    public async Task Build_ClassicBuilder_ImageOwnedAndRunnable()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("sdock-build");
        var tag = $"sdock-proxy-cli-{Guid.NewGuid():N}"[..30] + ":latest";
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Dockerfile"), "FROM busybox\nCMD [\"echo\", \"built-through-proxy\"]\n", ct);
            await DockerAsync(["build", "-t", tag, dir.FullName]);

            var run = await DockerAsync(["run", "--rm", tag]);
            var labels = await DockerCli.RunAsync(ct, "image", "inspect", "--format", "{{index .Config.Labels \"io.sdock.proxy.scope\"}}", tag);

            Assert.Equal("built-through-proxy", run.StandardOutput.Trim());
            Assert.Equal(_scope.Path, labels.StandardOutput.Trim());
        }
        finally
        {
            dir.Delete(recursive: true);
            await DockerCli.RunAsync(ct, "rmi", "-f", tag);
        }
    }

    [Fact(Timeout = 60000)]
    public async Task Ps_OtherTenantsContainer_InvisibleAndUntouchable()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);

        var ps = await DockerAsync(["ps", "-a", "--no-trunc", "--format", "{{.ID}}"]);
        var rm = await DockerCli.ThroughAsync(_scope, ct, ["kill", tenants.VictimContainer]);

        Assert.DoesNotContain(tenants.VictimContainer, ps.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, rm.ExitCode);
        Assert.Contains("No such container", rm.StandardError, StringComparison.Ordinal);
        Assert.Equal("running", await DockerCli.StateAsync(tenants.VictimContainer, ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Run_CreatedContainer_CarriesStampedOwnerAndDefaultLimits()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = (await DockerAsync(["create", "--label", "app=x", "busybox", "true"])).StandardOutput.Trim();

        var r = await DockerCli.RunAsync(ct, "inspect", "--format", "{{index .Config.Labels \"io.sdock.proxy.scope\"}} {{index .Config.Labels \"app\"}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}", id);

        Assert.Equal($"{_scope.Path} x {512L * 1024 * 1024} 256", r.StandardOutput.Trim());
        await DockerAsync(["rm", id]);
    }

    [Fact(Timeout = 60000)]
    public async Task RunTty_UnderPty_StreamsRawTerminalOutput()
    {
        // `script` gives the CLI a real pty, so it takes the -t path (raw stream, resize calls).
        var ct = TestContext.Current.CancellationToken;
        var r = await ProcessRunner.RunAsync("script", ["-qec", "docker run --rm -it busybox sh -c 'tty; echo tty-ok'", "/dev/null"], ct, environment: new Dictionary<string, string> { ["DOCKER_HOST"] = _scope.DockerHost });

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("/dev/pts/", r.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("tty-ok", r.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task NetworkAndVolume_CreateUseRemove_WorkThroughScope()
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await DockerAsync(["network", "create", $"cli-net-{suffix}"]);
        await DockerAsync(["volume", "create", $"cli-vol-{suffix}"]);

        var r = await DockerAsync(["run", "--rm", "--network", $"cli-net-{suffix}", "-v", $"cli-vol-{suffix}:/data", "busybox", "sh", "-c", "echo kept > /data/f; cat /data/f"]);
        await DockerAsync(["network", "rm", $"cli-net-{suffix}"]);
        await DockerAsync(["volume", "rm", $"cli-vol-{suffix}"]);

        Assert.Equal("kept", r.StandardOutput.Trim());
        Assert.NotEqual(0, (await DockerCli.RunAsync(ct, "volume", "inspect", $"cli-vol-{suffix}")).ExitCode);
    }
}
