namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// The container quota under concurrent creates from a scope and its child (the subtree lists start before the
/// create lock is taken and are taken again when another create finished meanwhile). The verdicts and, with the
/// docker CLI as the oracle, the containers on the engine.
/// </summary>
public sealed class ContainerQuotaTests(ProxyEnvironment environment)
{
    private const string Body = """{"Image":"busybox","Cmd":["true"],"HostConfig":{"Memory":67108864}}""";

    [Fact(Timeout = 120000)]
    public async Task ContainerCreate_ConcurrentBurstFromScopeAndChild_NeverOvershootsTheQuota()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var parent = await environment.CreateScopeAsync("ctrburst", ProxyPolicy.Default with { Quota = ScopeQuota.Default with { MaxContainers = 4 } });
        var child = await parent.CreateChildAsync(cancellationToken: ct);
        var prefix = $"ctrb-{environment.RunId}-{Guid.NewGuid():N}"[..24];
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
                RawHttp.SendAsync((i % 2 == 0 ? parent : child).SocketPath, "POST", $"/v1.41/containers/create?name={prefix}-{i}", Body, cancellationToken: ct)));

            Assert.Equal(4, answers.Count(a => a.Status == 201));
            Assert.Equal(8, answers.Count(a => a.Status == 403));
            Assert.All(answers.Where(a => a.Status == 403), a => Assert.Contains("at most 4 containers", a.Body, StringComparison.Ordinal));
            Assert.Equal(4, (await ContainersAsync(prefix, ct)).Count);

            // A removal frees a slot for the very next create.
            var first = (await ContainersAsync(prefix, ct))[0];
            Assert.Equal(204, (await RawHttp.SendAsync(parent.SocketPath, "DELETE", $"/v1.41/containers/{first}", cancellationToken: ct)).Status);
            Assert.Equal(201, (await RawHttp.SendAsync(child.SocketPath, "POST", $"/v1.41/containers/create?name={prefix}-again", Body, cancellationToken: ct)).Status);
            Assert.Equal(403, (await RawHttp.SendAsync(parent.SocketPath, "POST", $"/v1.41/containers/create?name={prefix}-over", Body, cancellationToken: ct)).Status);
            Assert.Equal(4, (await ContainersAsync(prefix, ct)).Count);
        }
        finally
        {
            await child.DisposeAsync();
            var left = await ContainersAsync(prefix, CancellationToken.None);
            if (left.Count > 0)
            {
                await DockerCli.RunAsync(CancellationToken.None, ["rm", "-f", .. left]);
            }
        }
    }

    private static async Task<IReadOnlyList<string>> ContainersAsync(string prefix, CancellationToken ct)
    {
        var r = await DockerCli.RunAsync(ct, "ps", "-a", "--format", "{{.Names}}", "--filter", $"name={prefix}");
        return [.. r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];
    }
}
