namespace ServerlessDocker.Proxy.Tests;

public sealed class ScopeConflictTests : FakeEngineProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateScopeAsync_NameTaken_ThrowsScopeConflictNamingTheScope()
    {
        await using var first = await Proxy.CreateScopeAsync("tenant-a", cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<ScopeConflictException>(() => Proxy.CreateScopeAsync("tenant-a", cancellationToken: Ct));

        Assert.Equal("tenant-a", ex.ScopePath);
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ServerlessDockerException>(ex);
    }

    [Fact]
    public async Task CreateChildAsync_NameTaken_ThrowsScopeConflict()
    {
        await using var parent = await Proxy.CreateScopeAsync("parent", cancellationToken: Ct);
        await using var child = await parent.CreateChildAsync("c1", cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<ScopeConflictException>(() => parent.CreateChildAsync("c1", cancellationToken: Ct));

        Assert.Contains("c1", ex.ScopePath, StringComparison.Ordinal);
    }
}
