namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// The network quota: a scope's subtree may hold at most <c>quota.maxNetworks</c> networks (each takes a subnet from
/// the engine's shared pools). The verdict and, with the docker CLI as the oracle, the networks on the engine.
/// </summary>
public sealed class NetworkQuotaTests(ProxyEnvironment environment)
{
    [Fact(Timeout = 120000)]
    public async Task NetworkCreate_BeyondTheSubtreeQuota_403AndNotCreated_ChildCountsAgainstParent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var parent = await environment.CreateScopeAsync("netq", ProxyPolicy.Default with { Quota = ScopeQuota.Default with { MaxNetworks = 2 } });
        var child = await parent.CreateChildAsync(cancellationToken: ct);
        var prefix = $"netq-{environment.RunId}-{Guid.NewGuid():N}"[..24];
        try
        {
            Assert.Equal(201, (await CreateAsync(parent, prefix + "-a", ct)).Status);
            Assert.Equal(201, (await CreateAsync(child, prefix + "-b", ct)).Status);

            var overParent = await CreateAsync(parent, prefix + "-c", ct);
            var overChild = await CreateAsync(child, prefix + "-d", ct);

            Assert.True(overParent.Status == 403, overParent.ToString());
            Assert.Contains("at most 2 networks", overParent.Body, StringComparison.Ordinal);
            Assert.True(overChild.Status == 403, overChild.ToString());
            Assert.Equal([prefix + "-a", prefix + "-b"], await NetworksAsync(prefix, ct));

            // Removing one frees a slot.
            var removed = await RawHttp.SendAsync(parent.SocketPath, "DELETE", $"/v1.41/networks/{prefix}-a", cancellationToken: ct);
            Assert.Equal(204, removed.Status);
            Assert.Equal(201, (await CreateAsync(child, prefix + "-e", ct)).Status);
            Assert.Equal([prefix + "-b", prefix + "-e"], await NetworksAsync(prefix, ct));
        }
        finally
        {
            await child.DisposeAsync();
            foreach (var name in await NetworksAsync(prefix, CancellationToken.None))
            {
                await DockerCli.RunAsync(CancellationToken.None, "network", "rm", name);
            }
        }
    }

    [Fact(Timeout = 120000)]
    public async Task NetworkCreate_ConcurrentBurst_NeverOvershootsTheQuota()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("netburst", ProxyPolicy.Default with { Quota = ScopeQuota.Default with { MaxNetworks = 3 } });
        var prefix = $"netb-{environment.RunId}-{Guid.NewGuid():N}"[..24];
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => CreateAsync(scope, $"{prefix}-{i}", ct)));

            Assert.Equal(3, answers.Count(a => a.Status == 201));
            Assert.Equal(5, answers.Count(a => a.Status == 403));
            Assert.Equal(3, (await NetworksAsync(prefix, ct)).Count);
        }
        finally
        {
            foreach (var name in await NetworksAsync(prefix, CancellationToken.None))
            {
                await DockerCli.RunAsync(CancellationToken.None, "network", "rm", name);
            }
        }
    }

    private static Task<RawResponse> CreateAsync(ProxyScope scope, string name, CancellationToken ct) =>
        RawHttp.SendAsync(scope.SocketPath, "POST", "/v1.41/networks/create", $$"""{"Name":"{{name}}"}""", cancellationToken: ct);

    private static async Task<IReadOnlyList<string>> NetworksAsync(string prefix, CancellationToken ct)
    {
        var r = await DockerCli.RunAsync(ct, "network", "ls", "--format", "{{.Name}}", "--filter", $"name={prefix}");
        return [.. r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];
    }
}
