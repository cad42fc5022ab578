namespace ServerlessDocker.Proxy.IntegrationTests.Infrastructure;

/// <summary>
/// One in-process proxy in front of the real engine at DOCKER_HOST for the whole run. Every scope a test
/// creates removes what it left behind when disposed, and the fixture checks with the docker CLI (the
/// independent oracle) that no container of this run survives.
/// </summary>
public sealed class ProxyEnvironment : IAsyncLifetime
{
    private readonly SemaphoreSlim _tenantsGate = new(1, 1);
    private ScopedDockerProxy? _proxy;
    private Tenants? _tenants;

    public string DockerHost { get; } = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? string.Empty;

    public AuditCapture Audit { get; } = new();

    public string RunId { get; } = Guid.NewGuid().ToString("N")[..8];

    public string SocketDirectory { get; } = Path.Combine(Path.GetTempPath(), "sdock-proxy-it-" + Guid.NewGuid().ToString("N")[..8]);

    public ScopedDockerProxy Proxy => _proxy ?? throw new InvalidOperationException("the proxy did not start");

    public async ValueTask InitializeAsync()
    {
        if (!DockerHost.StartsWith("unix://", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("DOCKER_HOST must name the test engine's unix socket (run `scripts/engine up`, or use scripts/test): the proxy integration tests need a real engine.");
        }

        var version = await DockerCli.RunAsync(CancellationToken.None, "version", "--format", "{{.Server.APIVersion}}");
        if (version.ExitCode != 0)
        {
            throw new InvalidOperationException($"the Docker engine at {DockerHost} does not answer: {version}");
        }

        _proxy = await ScopedDockerProxy.StartAsync(new ProxyOptions
        {
            Upstream = DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = DockerHost }),
            AuditLog = Audit,
            SocketDirectory = SocketDirectory,
        });
    }

    /// <summary>A new top-level scope that removes its leftovers when disposed.</summary>
    public async Task<ProxyScope> CreateScopeAsync(string prefix, ProxyPolicy? policy = null)
    {
        var name = $"{prefix}-{RunId}-{Guid.NewGuid().ToString("N")[..6]}";
        return await Proxy.CreateScopeAsync(name, Path.Combine(SocketDirectory, name + ".sock"), policy ?? ProxyPolicy.Default, removeLeftovers: true, CancellationToken.None);
    }

    /// <summary>The shared attacker/victim pair (created on first use).</summary>
    public async Task<Tenants> GetTenantsAsync(CancellationToken cancellationToken)
    {
        await _tenantsGate.WaitAsync(cancellationToken);
        try
        {
            return _tenants ??= await Tenants.CreateAsync(this, cancellationToken);
        }
        finally
        {
            _tenantsGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_tenants is not null)
        {
            await _tenants.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        // The oracle: nothing this run created through the proxy may survive it.
        var leftovers = await DockerCli.RunAsync(CancellationToken.None, "ps", "-a", "--filter", "label=io.sdock.proxy.scope", "--format", "{{.ID}} {{.Label \"io.sdock.proxy.scope\"}}");
        var mine = leftovers.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(RunId, StringComparison.Ordinal)).ToList();
        if (mine.Count > 0)
        {
            await DockerCli.RunAsync(CancellationToken.None, ["rm", "-f", .. mine.Select(l => l.Split(' ')[0])]);
            throw new InvalidOperationException($"containers left behind by the proxy tests: {string.Join(", ", mine)}");
        }

        try
        {
            Directory.Delete(SocketDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
