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
}
