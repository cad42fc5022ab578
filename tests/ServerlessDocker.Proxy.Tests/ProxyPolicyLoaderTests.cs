namespace ServerlessDocker.Proxy.Tests;

public sealed class ProxyPolicyLoaderTests
{
    [Fact(Timeout = 10000)]
    public void Parse_Empty_BuiltInDefaults()
    {
        var policy = ProxyPolicyLoader.Parse(string.Empty);

        Assert.Equal(ProxyPolicy.Default.Mode, policy.Mode);
        Assert.Empty(policy.BindMounts);
        Assert.Empty(policy.Capabilities);
        Assert.False(policy.AllowHostPorts);
        Assert.True(policy.Limits.Required);
    }

    [Fact(Timeout = 10000)]
    public void Parse_LeftoverGrace_DurationGrammarAndZeroByDefault()
    {
        Assert.Equal(TimeSpan.Zero, ProxyPolicyLoader.Parse(string.Empty).LeftoverGrace);
        Assert.Equal(TimeSpan.FromSeconds(90), ProxyPolicyLoader.Parse("leftoverGrace: 1m30s").LeftoverGrace);
        Assert.Equal(TimeSpan.Zero, ProxyPolicyLoader.Parse("leftoverGrace: 0").LeftoverGrace);
    }

    [Fact(Timeout = 10000)]
    public void Parse_FullDocument_AllFieldsRead()
    {
        var policy = ProxyPolicyLoader.Parse("""
            mode: warn
            images: [busybox, "sdock-test/*"]
            allowPull: true
            capabilities: [NET_BIND_SERVICE]
            bindMounts: [/srv/data]
            allowHostPorts: true
            networkModes: [none]
            allowBuild: false
            allowExec: false
            allowNesting: false
            maxDepth: 2
            removeLeftovers: false
            maxBodyBytes: 2048
            limits: { required: false, defaultMemoryBytes: 1000, defaultPidsLimit: 10, maxCpus: 1 }
            quota: { maxContainers: 3, maxTotalMemoryBytes: 5000 }
            """);

        Assert.Equal(PolicyMode.Warn, policy.Mode);
        Assert.Equal(["busybox", "sdock-test/*"], policy.Images);
        Assert.True(policy.AllowPull);
        Assert.Equal(["/srv/data"], policy.BindMounts);
        Assert.Equal(2, policy.MaxDepth);
        Assert.Equal(2048, policy.MaxBodyBytes);
        Assert.Equal(1000, policy.Limits.DefaultMemoryBytes);
        Assert.Equal(ResourceLimits.Default.MaxMemoryBytes, policy.Limits.MaxMemoryBytes);
        Assert.Equal(3, policy.Quota.MaxContainers);
        Assert.Equal(5000, policy.Quota.MaxTotalMemoryBytes);
    }

    [Theory(Timeout = 10000)]
    [InlineData("privileged: true")]
    [InlineData("mode: permissive")]
    [InlineData("maxDepth: 9")]
    [InlineData("bindMounts: [relative/path]")]
    [InlineData("bindMounts: [/srv/../etc]")]
    public void Parse_UnknownFieldOrBadValue_Rejected(string yaml)
    {
        Assert.Throws<ProxyPolicyException>(() => ProxyPolicyLoader.Parse(yaml));
    }

    [Fact(Timeout = 10000)]
    public void Parse_SizesWithUnits_ReadAsBytes()
    {
        var policy = ProxyPolicyLoader.Parse("""
            maxBodyBytes: 2MiB
            limits: { defaultMemoryBytes: 256m, maxMemoryBytes: 1g }
            quota: { maxTotalMemoryBytes: "1.5g" }
            """);

        Assert.Equal(2L * 1024 * 1024, policy.MaxBodyBytes);
        Assert.Equal(256L * 1024 * 1024, policy.Limits.DefaultMemoryBytes);
        Assert.Equal(1024L * 1024 * 1024, policy.Limits.MaxMemoryBytes);
        Assert.Equal(1536L * 1024 * 1024, policy.Quota.MaxTotalMemoryBytes);
    }

    [Theory(Timeout = 10000)]
    [InlineData("maxBodyBytes: 1e30", "maxBodyBytes")]
    [InlineData("maxBodyBytes: lots", "maxBodyBytes")]
    [InlineData("limits: { maxMemoryBytes: -1 }", "limits.maxMemoryBytes")]
    [InlineData("limits: { maxCpus: .Inf }", "limits.maxCpus")]
    [InlineData("limits: { maxCpus: 0.0000000001 }", "limits.maxCpus")]
    [InlineData("quota: { maxTotalPids: -5 }", "quota.maxTotalPids")]
    [InlineData("leftoverGrace: soon", "leftoverGrace")]
    [InlineData("leftoverGrace: 2h", "leftoverGrace")]
    public void Parse_AbsurdQuantity_RejectedNamingTheField(string yaml, string field)
    {
        var ex = Assert.Throws<ProxyPolicyException>(() => ProxyPolicyLoader.Parse(yaml));

        Assert.Contains(field, ex.Problem);
        Assert.Null(ex.PolicyPath);
    }

    [Fact(Timeout = 10000)]
    public async Task LoadAsync_BadFile_ErrorNamesThePathAndDerivesFromTheRoot()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sdock-policy-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, "mode: permissive\n", TestContext.Current.CancellationToken);
        try
        {
            var ex = await Assert.ThrowsAsync<ProxyPolicyException>(() => ProxyPolicyLoader.LoadAsync(path, TestContext.Current.CancellationToken));

            Assert.Equal(path, ex.PolicyPath);
            Assert.Contains(path, ex.Message);
            Assert.Contains("permissive", ex.Message);
            Assert.IsAssignableFrom<ServerlessDockerException>(ex);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact(Timeout = 10000)]
    public void Parse_ConnectionLimits_TakeTheDurationGrammar()
    {
        var policy = ProxyPolicyLoader.Parse("""
            headTimeout: 1m30s
            idleTimeout: 500ms
            maxConnections: 7
            """);

        Assert.Equal(TimeSpan.FromSeconds(90), policy.HeadTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.IdleTimeout);
        Assert.Equal(7, policy.MaxConnections);
        Assert.Equal(5, ProxyPolicyLoader.Parse("quota: { maxNetworks: 5 }").Quota.MaxNetworks);
        Assert.Equal(TimeSpan.FromSeconds(10), ProxyPolicyLoader.Parse(string.Empty).HeadTimeout);
    }

    [Theory(Timeout = 10000)]
    [InlineData("headTimeout: 0s", "headTimeout")]
    [InlineData("headTimeout: ten", "headTimeout")]
    [InlineData("idleTimeout: -5s", "idleTimeout")]
    [InlineData("maxConnections: 0", "maxConnections")]
    [InlineData("quota: { maxNetworks: -1 }", "quota.maxNetworks")]
    public void Parse_BadConnectionLimit_NamesTheField(string yaml, string field)
    {
        var ex = Assert.Throws<ProxyPolicyException>(() => ProxyPolicyLoader.Parse(yaml));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }
}
