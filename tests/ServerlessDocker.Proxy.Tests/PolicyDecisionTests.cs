using System.Text;
using System.Text.Json.Nodes;
using ServerlessDocker.Proxy.Authorization;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>Policy and ownership decisions, with a canned fake standing in for the engine's look-ups.</summary>
public sealed class PolicyDecisionTests : FakeEngineProxyTests
{
    private const string FullId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private async Task<ProxyScope> ScopeAsync(string name, ProxyPolicy? policy = null) =>
        await Proxy.CreateScopeAsync(name, Path.Combine(Sockets, name + ".sock"), policy, TestContext.Current.CancellationToken);

    private static Task<ForwardPlan> AuthorizeAsync(ProxyScope scope, string method, string target, string? body = null, ScopedDockerProxy? proxy = null)
        => AuthorizeAsync(scope, method, target, body is null ? [] : Encoding.UTF8.GetBytes(body));

    private static JsonObject Body(ForwardPlan plan) => JsonNode.Parse(plan.Body!)!.AsObject();

    private static string ContainerJson(params (string Key, string Value)[] labels) =>
        new JsonObject
        {
            ["Id"] = FullId,
            ["Name"] = "/c",
            ["Config"] = new JsonObject { ["Labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))) },
        }.ToJsonString();

    [Fact(Timeout = 30000)]
    public async Task Create_Privileged_Enforce_Forbidden()
    {
        var scope = await ScopeAsync("t");

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/v1.41/containers/create", """{"Image":"busybox","HostConfig":{"Privileged":true}}"""));

        Assert.Equal(403, ex.StatusCode);
    }

    [Fact(Timeout = 30000)]
    public async Task Create_PrivilegedInWarnMode_ForwardedWithWarning()
    {
        var scope = await ScopeAsync("w", ProxyPolicy.Default with { Mode = PolicyMode.Warn });

        var plan = await AuthorizeAsync(scope, "POST", "/v1.41/containers/create", """{"Image":"busybox","HostConfig":{"Privileged":true,"CapAdd":["SYS_ADMIN"]}}""");

        Assert.Equal(2, plan.Warnings.Count);
        Assert.Contains(plan.Warnings, w => w.Contains("privileged", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30000)]
    public async Task Create_LabelSpoofInWarnMode_StillRefused()
    {
        var scope = await ScopeAsync("w2", ProxyPolicy.Default with { Mode = PolicyMode.Warn });

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/containers/create", """{"Image":"busybox","Labels":{"io.sdock.proxy.scope.0":"other"}}"""));

        Assert.Equal(403, ex.StatusCode);
    }

    [Fact(Timeout = 30000)]
    public async Task Create_Benign_StampsOwnerLabelsAndDefaultLimits()
    {
        var scope = await ScopeAsync("t");

        var body = Body(await AuthorizeAsync(scope, "POST", "/v1.41/containers/create", """{"image":"busybox","labels":{"app":"x"},"hostconfig":{"pidslimit":10}}"""));

        var labels = body["Labels"]!.AsObject();
        Assert.Equal("t", (string?)labels["io.sdock.proxy.scope"]);
        Assert.Equal("t", (string?)labels["io.sdock.proxy.scope.0"]);
        Assert.Equal(string.Empty, (string?)labels["io.sdock.proxy.scope.1"]);
        Assert.Equal(string.Empty, (string?)labels["io.sdock.proxy.scope.7"]);
        Assert.Equal("x", (string?)labels["app"]);
        Assert.Null(body["labels"]);
        Assert.Equal(ResourceLimits.Default.DefaultMemoryBytes, (long)body["HostConfig"]!["Memory"]!);
        Assert.Equal(10, (long)body["HostConfig"]!["pidslimit"]!);
    }

    [Fact(Timeout = 30000)]
    public async Task Create_InChildScope_LabelsCarryLineage()
    {
        var parent = await ScopeAsync("p");
        var child = await parent.CreateChildAsync("c1", cancellationToken: TestContext.Current.CancellationToken);

        var labels = Body(await AuthorizeAsync(child, "POST", "/containers/create", """{"Image":"busybox"}"""))["Labels"]!.AsObject();

        Assert.Equal("p/c1", (string?)labels["io.sdock.proxy.scope"]);
        Assert.Equal("p", (string?)labels["io.sdock.proxy.scope.0"]);
        Assert.Equal("p/c1", (string?)labels["io.sdock.proxy.scope.1"]);
        Assert.Equal(string.Empty, (string?)labels["io.sdock.proxy.scope.2"]);
    }

    [Theory(Timeout = 30000)]
    [InlineData("""{"Image":"busybox","HostConfig":{"CpuQuota":10000000000,"CpuPeriod":100000}}""", "above the policy's maximum")]
    [InlineData("""{"Image":"busybox","HostConfig":{"CpuQuota":9223372036854775807}}""", "above the policy's maximum")]
    [InlineData("""{"Image":"busybox","HostConfig":{"CpuQuota":500}}""", "at least 1000")]
    [InlineData("""{"Image":"busybox","HostConfig":{"CpuQuota":100000,"CpuPeriod":10}}""", "between 1000 and 1000000")]
    [InlineData("""{"Image":"busybox","HostConfig":{"NanoCpus":1000000000,"CpuQuota":100000}}""", "cannot both be set")]
    [InlineData("""{"Image":"busybox","HostConfig":{"NanoCpus":-1}}""", "must not be negative")]
    [InlineData("""{"Image":"busybox","HostConfig":{"Memory":-1}}""", "must be 0 (unlimited)")]
    public async Task Create_CpuAndMemoryNumbers_ReadAsTheEngineReadsThemWithoutOverflow(string body, string expected)
    {
        var scope = await ScopeAsync("numbers", ProxyPolicy.Default with { Limits = ResourceLimits.Default with { MaxCpus = 2 } });

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/containers/create", body));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30000)]
    [InlineData("""{"Image":"busybox","HostConfig":{"PidsLimit":-1}}""")]
    [InlineData("""{"Image":"busybox","HostConfig":{"CpuQuota":-1}}""")]
    [InlineData("""{"Image":"busybox"}""")]
    public async Task Create_UnlimitedUnderAMaximum_GetsTheMaximumNeverUnlimited(string body)
    {
        var limits = ResourceLimits.Default with { Required = false, DefaultPidsLimit = 0, DefaultCpus = 0, MaxPidsLimit = 100, MaxCpus = 1 };
        var scope = await ScopeAsync("unlimited", ProxyPolicy.Default with { Limits = limits });

        var hc = Body(await AuthorizeAsync(scope, "POST", "/containers/create", body))["HostConfig"]!.AsObject();

        Assert.Equal(100, (long)hc["PidsLimit"]!);
        Assert.Equal(1_000_000_000, (long)hc["NanoCpus"]!);
        Assert.Equal(0, (long?)hc["CpuQuota"] ?? 0);
    }

    [Theory(Timeout = 30000)]
    [InlineData("""{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"volume","Target":"/data","VolumeOptions":{"Labels":{"io.sdock.proxy.scope":"victim"}}}]}}""", "volume labels")]
    [InlineData("""{"Image":"busybox","Volumes":{"/anon":{}}}""", "anonymous volume")]
    [InlineData("""{"Image":"busybox","Volumes":{"/anon":{}},"HostConfig":{"Binds":["other:/data"]}}""", "anonymous volume")]
    public async Task Create_VolumesTheEngineWouldCreateUnlabelled_Refused(string body, string expected)
    {
        var scope = await ScopeAsync("implicit");

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/containers/create", body));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30000)]
    [InlineData("""{"Image":"busybox","Volumes":{}}""")]
    [InlineData("""{"Image":"busybox","Volumes":{"/data":{}},"HostConfig":{"Mounts":[{"Type":"tmpfs","Target":"/data"}]}}""")]
    public async Task Create_LegacyVolumesCoveredOrEmpty_Accepted(string body)
    {
        var scope = await ScopeAsync("legacy");

        var plan = await AuthorizeAsync(scope, "POST", "/containers/create", body);

        Assert.NotNull(plan.Body);
    }

    [Fact(Timeout = 30000)]
    public async Task Create_WithoutLimitsAndNoDefaults_RefusedWhenRequired()
    {
        var scope = await ScopeAsync("nolimits", ProxyPolicy.Default with { Limits = ResourceLimits.Default with { DefaultMemoryBytes = 0 } });

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/containers/create", """{"Image":"busybox"}"""));

        Assert.Contains("memory limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Create_QuotaReachedInSubtree_Refused()
    {
        Engine.With("/containers/json", $"[{{\"Id\":\"a\",\"Labels\":{{}}}},{{\"Id\":\"b\",\"Labels\":{{}}}}]");
        var scope = await ScopeAsync("q", ProxyPolicy.Default with { Quota = new ScopeQuota { MaxContainers = 2 } });

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/containers/create", """{"Image":"busybox"}"""));

        Assert.Contains("quota", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Start_ForeignContainer_NotFound()
    {
        Engine.With("/containers/abc/json", ContainerJson(("io.sdock.proxy.scope.0", "other")));
        var scope = await ScopeAsync("t");

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/v1.41/containers/abc/start"));

        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("No such container: abc", ex.Message);
    }

    [Fact(Timeout = 30000)]
    public async Task Start_OwnedByShortId_ForwardsFullId()
    {
        Engine.With("/containers/0123/json", ContainerJson(("io.sdock.proxy.scope.0", "t")));
        var scope = await ScopeAsync("t");

        var plan = await AuthorizeAsync(scope, "POST", "/v1.41/containers/0123/start");

        Assert.Equal($"/v1.41/containers/{FullId}/start", plan.Target);
    }

    [Fact(Timeout = 30000)]
    public async Task Inspect_DescendantsContainer_VisibleToParentNotToSibling()
    {
        Engine.With("/containers/kid/json", ContainerJson(("io.sdock.proxy.scope.0", "p"), ("io.sdock.proxy.scope.1", "p/c1")));
        var parent = await ScopeAsync("p");
        var c1 = await parent.CreateChildAsync("c1", cancellationToken: TestContext.Current.CancellationToken);
        var c2 = await parent.CreateChildAsync("c2", cancellationToken: TestContext.Current.CancellationToken);

        var fromParent = await AuthorizeAsync(parent, "GET", "/containers/kid/json");
        var fromOwner = await AuthorizeAsync(c1, "GET", "/containers/kid/json");
        var fromSibling = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(c2, "GET", "/containers/kid/json"));

        Assert.EndsWith($"{FullId}/json", fromParent.Target, StringComparison.Ordinal);
        Assert.EndsWith($"{FullId}/json", fromOwner.Target, StringComparison.Ordinal);
        Assert.Equal(404, fromSibling.StatusCode);
    }

    [Fact(Timeout = 30000)]
    public async Task List_WithClientFilters_OwnerFilterAdded()
    {
        var scope = await ScopeAsync("t");

        var plan = await AuthorizeAsync(scope, "GET", "/v1.41/containers/json?all=1&filters=" + Uri.EscapeDataString("""{"status":["exited"]}"""));

        var filters = FilterRewriter.Parse(RequestTargetParser.ParseQuery(plan.Target.Split('?')[1]).Get("filters"));
        Assert.True(filters["label"]["io.sdock.proxy.scope.0=t"]);
        Assert.True(filters["status"]["exited"]);
    }

    [Fact(Timeout = 30000)]
    public async Task Update_UnknownContainer_NotFoundBeforePolicy()
    {
        var scope = await ScopeAsync("t");

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => AuthorizeAsync(scope, "POST", "/containers/abc/update", """{"Memory":0}"""));

        Assert.Equal(404, ex.StatusCode);
    }
}
