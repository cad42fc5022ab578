namespace ServerlessDocker.Proxy.Tests;

public sealed class ScopeConflictTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateScopeAsync_NameTaken_ThrowsScopeConflictNamingTheScope()
    {
        await using var engine = new FakeEngine();
        var dir = Path.Combine(Path.GetTempPath(), "sdp-" + Guid.NewGuid().ToString("N")[..8]);
        await using var proxy = await ScopedDockerProxy.StartAsync(
            new ProxyOptions { Upstream = new DockerEndpoint { Uri = new Uri("unix://" + engine.SocketPath) }, SocketDirectory = dir }, Ct);
        await using var first = await proxy.CreateScopeAsync("tenant-a", cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<ScopeConflictException>(() => proxy.CreateScopeAsync("tenant-a", cancellationToken: Ct));

        Assert.Equal("tenant-a", ex.ScopePath);
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ServerlessDockerException>(ex);
    }

    [Fact]
    public async Task CreateChildAsync_NameTaken_ThrowsScopeConflict()
    {
        await using var engine = new FakeEngine();
        var dir = Path.Combine(Path.GetTempPath(), "sdp-" + Guid.NewGuid().ToString("N")[..8]);
        await using var proxy = await ScopedDockerProxy.StartAsync(
            new ProxyOptions { Upstream = new DockerEndpoint { Uri = new Uri("unix://" + engine.SocketPath) }, SocketDirectory = dir }, Ct);
        await using var parent = await proxy.CreateScopeAsync("parent", cancellationToken: Ct);
        await using var child = await parent.CreateChildAsync("c1", cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<ScopeConflictException>(() => parent.CreateChildAsync("c1", cancellationToken: Ct));

        Assert.Contains("c1", ex.ScopePath, StringComparison.Ordinal);
    }
}
