namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>docker-py and dockerode through a scope's socket: a child's whole life, and a sibling they cannot touch.</summary>
public sealed class ClientLibraryTests(ProxyEnvironment environment) : IAsyncLifetime
{
    private ProxyScope _scope = null!;

    public async ValueTask InitializeAsync() => _scope = await environment.CreateScopeAsync("libs");

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        Assert.Empty(await DockerCli.ContainersOfAsync(_scope, CancellationToken.None));
    }

    [Fact(Timeout = 120000)]
    public async Task DockerPy_ChildLifecycleAndSibling_Works()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var check = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", "import docker"], ct);
        Assert.True(check.ExitCode == 0, $"docker-py is not installed for /usr/bin/python3: run tests/ServerlessDocker.Proxy.IntegrationTests/setup (apt-get install python3-docker). {check}");

        var r = await ProcessRunner.RunAsync("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "clients", "dockerpy_client.py"), _scope.SocketPath, tenants.VictimContainer], ct);

        Assert.True(r.ExitCode == 0 && r.StandardOutput.Trim() == "ok", r.ToString());
        Assert.Empty(await DockerCli.ContainersOfAsync(_scope, ct));
    }

    [Fact(Timeout = 120000)]
    public async Task Dockerode_ChildLifecycleAndSibling_Works()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var clients = Path.Combine(AppContext.BaseDirectory, "clients");
        var modules = Path.Combine(FindSourceClients(), "node_modules");
        Assert.True(Directory.Exists(Path.Combine(modules, "dockerode")), $"dockerode is not installed in {modules}: run tests/ServerlessDocker.Proxy.IntegrationTests/setup (npm install).");

        var r = await ProcessRunner.RunAsync("node", [Path.Combine(clients, "dockerode-client.js"), _scope.SocketPath, tenants.VictimContainer], ct, environment: new Dictionary<string, string> { ["NODE_PATH"] = modules });

        Assert.True(r.ExitCode == 0 && r.StandardOutput.Trim() == "ok", r.ToString());
        Assert.Empty(await DockerCli.ContainersOfAsync(_scope, ct));
    }

    private static string FindSourceClients() =>
        typeof(ClientLibraryTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "ClientsDirectory").Value!;
}
