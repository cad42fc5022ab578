namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>The core library's run hook: a function gets a scoped socket, uses it, and leaves nothing behind.</summary>
public sealed class SocketInjectionTests(ProxyEnvironment environment)
{
    private const string ClientImage = "sdock-test/proxy-docker-client:latest";

    [Fact(Timeout = 120000)]
    public async Task WithScopedDockerAccess_FunctionStartsChild_ChildRunsAndLeftoversRemoved()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var docker = DockerFunctions.FromEnvironment();
        var tenants = await environment.GetTenantsAsync(ct);
        var marker = Guid.NewGuid().ToString("N")[..12];
        var script = $"docker run --rm busybox echo nested-{marker}; "
            + $"docker run -d --label leak={marker} busybox sleep 600 >/dev/null; "
            + $"docker kill {tenants.VictimContainer} >/dev/null 2>&1 || echo victim-protected; "
            + "echo DOCKER_HOST=$DOCKER_HOST";

        var scopesBefore = environment.Proxy.Scopes.Select(s => s.Path).ToHashSet();
        var result = await docker.Command(ClientImage, ["sh", "-c", script])
            .WithScopedDockerAccess(environment.Proxy)
            .ExecuteBufferedAsync(ct);

        Assert.Contains($"nested-{marker}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("victim-protected", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("DOCKER_HOST=unix:///var/run/docker.sock", result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(await DockerCli.ContainerIdsAsync($"leak={marker}", ct));
        Assert.DoesNotContain(environment.Proxy.Scopes, s => s.Name.StartsWith("fn-", StringComparison.Ordinal) && !scopesBefore.Contains(s.Path));
        // The function's own docker client went through its fn- scope, not around it.
        Assert.Contains(environment.Audit.Lines, l => l.Contains("\"scope\":\"fn-", StringComparison.Ordinal) && l.Contains("/containers/create", StringComparison.Ordinal));
        Assert.Equal("running", await DockerCli.StateAsync(tenants.VictimContainer, ct));
    }

    [Fact(Timeout = 120000)]
    public async Task WithScopedDockerAccess_LeftoverGrace_DetachedChildFinishesThenIsRemoved()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var docker = DockerFunctions.FromEnvironment();
        var marker = Guid.NewGuid().ToString("N")[..12];
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds();
        var policy = new ProxyPolicy { LeftoverGrace = TimeSpan.FromSeconds(60) };

        // The child outlives the function's call by about 10 s (long enough to be seen running on a loaded machine,
        // well inside the 60 s grace); a teardown without grace would kill it (137) at once.
        var result = await docker.Command(ClientImage, ["sh", "-c", $"docker run -d --label leak={marker} busybox sleep 10 >/dev/null"])
            .WithScopedDockerAccess(environment.Proxy, policy)
            .ExecuteBufferedAsync(ct);
        Assert.Equal(0, result.ExitCode);
        var child = Assert.Single(await DockerCli.ContainerIdsAsync($"leak={marker}", ct));
        Assert.Equal("running", await DockerCli.StateAsync(child, ct));

        await WaitGoneAsync($"leak={marker}", ct);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var events = await DockerCli.RunAsync(ct, "events", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--until", until.ToString(System.Globalization.CultureInfo.InvariantCulture), "--filter", $"label=leak={marker}",
            "--filter", "event=die", "--format", "{{.Actor.Attributes.exitCode}}");
        Assert.Equal("0", events.StandardOutput.Trim());
    }

    [Fact(Timeout = 120000)]
    public async Task WithScopedDockerAccess_LeftoverGrace_ChildStillRunningAfterGraceIsRemoved()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var docker = DockerFunctions.FromEnvironment();
        var marker = Guid.NewGuid().ToString("N")[..12];
        var policy = new ProxyPolicy { LeftoverGrace = TimeSpan.FromSeconds(2) };

        await docker.Command(ClientImage, ["sh", "-c", $"docker run -d --label leak={marker} busybox sleep 600 >/dev/null"])
            .WithScopedDockerAccess(environment.Proxy, policy)
            .ExecuteBufferedAsync(ct);
        var ended = System.Diagnostics.Stopwatch.StartNew();
        Assert.Single(await DockerCli.ContainerIdsAsync($"leak={marker}", ct));

        await WaitGoneAsync($"leak={marker}", ct);
        Assert.True(ended.Elapsed >= TimeSpan.FromSeconds(1.5), $"removed after {ended.Elapsed}, before its grace");
    }

    // The children carry the proxy's labels, not this test process's, so DockerCli.AssertGoneAsync would not see them.
    private static async Task WaitGoneAsync(string label, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 150; i++)
        {
            if ((await DockerCli.ContainerIdsAsync(label, cancellationToken)).Count == 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        Assert.Fail($"containers with label {label} still exist after 30 s");
    }
}
