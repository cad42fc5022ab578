using ServerlessDocker.Proxy.Engine;

namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// The proxy caches the owner labels of containers named by full ID. These tests check that the cache never
/// grants what a fresh inspect would refuse: after a removal, a rename, a name reused by a sibling, and that
/// no client can name a container like another container's ID.
/// </summary>
public sealed class OwnershipCacheTests(ProxyEnvironment environment)
{
    private const string CreateBody = """{"Image":"busybox","Cmd":["sleep","30"],"HostConfig":{"NetworkMode":"none"},"Labels":{"io.sdock.test":"ownership-cache"}}""";

    [Fact(Timeout = 60000)]
    public async Task CachedId_ContainerRemovedOutOfBandAndNewOneCreated_NoStaleOwnership()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await environment.CreateScopeAsync("cache-a");
        await using var b = await environment.CreateScopeAsync("cache-b");
        var first = await CreateAsync(a, null, ct);
        Assert.True(environment.Proxy.Engine.Containers.TryGet(first, out _), "the create answer should have cached the new container");
        Assert.Equal(200, (await RawHttp.SendAsync(a.SocketPath, "GET", $"/v1.41/containers/{first}/json", cancellationToken: ct)).Status);

        // Removed behind the proxy's back (not through a scope): the cached entry must not answer for it.
        var removed = await DockerCli.RunAsync(ct, "rm", "-f", first);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal(404, (await RawHttp.SendAsync(a.SocketPath, "POST", $"/v1.41/containers/{first}/start", cancellationToken: ct)).Status);
        Assert.False(environment.Proxy.Engine.Containers.TryGet(first, out _), "a 404 from the engine must evict the entry");

        // A sibling's new container is invisible to a, by full ID, whether or not b looked at it first.
        var second = await CreateAsync(b, null, ct);
        Assert.Equal(200, (await RawHttp.SendAsync(b.SocketPath, "GET", $"/v1.41/containers/{second}/json", cancellationToken: ct)).Status);
        Assert.Equal(404, (await RawHttp.SendAsync(a.SocketPath, "GET", $"/v1.41/containers/{second}/json", cancellationToken: ct)).Status);
        Assert.Equal(404, (await RawHttp.SendAsync(a.SocketPath, "DELETE", $"/v1.41/containers/{second}?force=1", cancellationToken: ct)).Status);
        Assert.Equal("created", await DockerCli.StateAsync(second, ct));

        Assert.Equal(204, (await RawHttp.SendAsync(b.SocketPath, "DELETE", $"/v1.41/containers/{second}?force=1", cancellationToken: ct)).Status);
        Assert.False(environment.Proxy.Engine.Containers.TryGet(second, out _), "a delete through the proxy must evict the entry");
        Assert.Empty(await DockerCli.ContainerIdsAsync("io.sdock.proxy.scope=" + a.Path, ct));
        Assert.Empty(await DockerCli.ContainerIdsAsync("io.sdock.proxy.scope=" + b.Path, ct));
    }

    [Fact(Timeout = 60000)]
    public async Task RenamedContainer_OldNameReusedBySibling_NameResolvesAfresh()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await environment.CreateScopeAsync("cache-a");
        await using var b = await environment.CreateScopeAsync("cache-b");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        string oldName = $"cache-old-{suffix}", newName = $"cache-new-{suffix}";
        var mine = await CreateAsync(a, oldName, ct);
        Assert.Equal(200, (await RawHttp.SendAsync(a.SocketPath, "GET", $"/v1.41/containers/{oldName}/json", cancellationToken: ct)).Status);
        Assert.Equal(204, (await RawHttp.SendAsync(a.SocketPath, "POST", $"/v1.41/containers/{mine}/rename?name={newName}", cancellationToken: ct)).Status);

        // The old name now belongs to the sibling: a must get 404 for it, and still reach its own by new name and ID.
        var theirs = await CreateAsync(b, oldName, ct);
        Assert.Equal(404, (await RawHttp.SendAsync(a.SocketPath, "GET", $"/v1.41/containers/{oldName}/json", cancellationToken: ct)).Status);
        Assert.Equal(404, (await RawHttp.SendAsync(a.SocketPath, "DELETE", $"/v1.41/containers/{oldName}?force=1", cancellationToken: ct)).Status);
        Assert.Equal(200, (await RawHttp.SendAsync(a.SocketPath, "GET", $"/v1.41/containers/{newName}/json", cancellationToken: ct)).Status);
        Assert.Equal(200, (await RawHttp.SendAsync(a.SocketPath, "GET", $"/v1.41/containers/{mine}/json", cancellationToken: ct)).Status);
        Assert.Equal("created", await DockerCli.StateAsync(theirs, ct));

        Assert.Equal(204, (await RawHttp.SendAsync(a.SocketPath, "DELETE", $"/v1.41/containers/{mine}?force=1", cancellationToken: ct)).Status);
        Assert.Equal(204, (await RawHttp.SendAsync(b.SocketPath, "DELETE", $"/v1.41/containers/{oldName}?force=1", cancellationToken: ct)).Status);
        Assert.Null(await DockerCli.StateAsync(theirs, ct));
    }

    [Fact(Timeout = 60000)]
    public async Task ContainerName_LooksLikeFullId_Refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await environment.CreateScopeAsync("cache-a");
        var idLike = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Assert.True(ContainerOwnershipCache.IsFullId(idLike));

        var create = await RawHttp.SendAsync(a.SocketPath, "POST", $"/v1.41/containers/create?name={idLike}", CreateBody, cancellationToken: ct);
        Assert.True(create.Status == 400, create.ToString());
        var upper = await RawHttp.SendAsync(a.SocketPath, "POST", $"/v1.41/containers/create?name=%2F{idLike.ToUpperInvariant()}", CreateBody, cancellationToken: ct);
        Assert.True(upper.Status == 400, upper.ToString());

        var mine = await CreateAsync(a, null, ct);
        var rename = await RawHttp.SendAsync(a.SocketPath, "POST", $"/v1.41/containers/{mine}/rename?name={idLike}", cancellationToken: ct);
        Assert.True(rename.Status == 400, rename.ToString());
        Assert.False(await DockerCli.ContainerNamedExistsAsync(idLike, ct), "the oracle must not see a container named like an ID");

        Assert.Equal(204, (await RawHttp.SendAsync(a.SocketPath, "DELETE", $"/v1.41/containers/{mine}?force=1", cancellationToken: ct)).Status);
    }

    private static async Task<string> CreateAsync(ProxyScope scope, string? name, CancellationToken ct)
    {
        var target = name is null ? "/v1.41/containers/create" : $"/v1.41/containers/create?name={name}";
        var response = await RawHttp.SendAsync(scope.SocketPath, "POST", target, CreateBody, cancellationToken: ct);
        Assert.True(response.Status == 201, response.ToString());
        var id = System.Text.Json.JsonDocument.Parse(response.Body).RootElement.GetProperty("Id").GetString()!;
        Assert.True(ContainerOwnershipCache.IsFullId(id), id);
        return id;
    }
}
