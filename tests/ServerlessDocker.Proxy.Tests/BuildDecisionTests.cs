using System.Text.Json.Nodes;
using ServerlessDocker.Proxy.Authorization;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>Build parameter whitelist and the tar-only Content-Type, decided against a fake engine with no images.</summary>
public sealed class BuildDecisionTests : FakeEngineProxyTests
{
    private async Task<ForwardPlan> BuildAsync(string query, ProxyPolicy? policy = null)
    {
        var scope = await Proxy.CreateScopeAsync("b" + Guid.NewGuid().ToString("N")[..6], Path.Combine(Sockets, Guid.NewGuid().ToString("N")[..8] + ".sock"), policy, TestContext.Current.CancellationToken);
        return await AuthorizeAsync(scope, "POST", "/v1.41/build" + query, []);
    }

    private static QueryParameters Forwarded(ForwardPlan plan) => RequestTargetParser.Parse(plan.Target).Query;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/x-tar")]
    [InlineData("application/tar")]
    [InlineData("Application/X-Tar; charset=binary")]
    public void ContentType_Tar_Accepted(string? value) =>
        StreamContentType.Check(value is null ? [] : [value]);

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("MULTIPART/FORM-DATA")]
    [InlineData(" application/x-www-form-urlencoded ; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData("application/x-tar, application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public void ContentType_NotTar_400NamingIt(string value)
    {
        var ex = Assert.Throws<RequestRejectedException>(() => StreamContentType.Check([value]));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/octet-stream")]
    public void ContentType_GenericOnArchiveUpload_AcceptedButNotOnBuild(string value)
    {
        StreamContentType.Check([value], archive: true);

        Assert.Equal(400, Assert.Throws<RequestRejectedException>(() => StreamContentType.Check([value])).StatusCode);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public void ContentType_FormOnArchiveUpload_400(string value) =>
        Assert.Equal(400, Assert.Throws<RequestRejectedException>(() => StreamContentType.Check([value], archive: true)).StatusCode);

    [Fact]
    public void ContentType_Repeated_400()
    {
        var ex = Assert.Throws<RequestRejectedException>(() => StreamContentType.Check(["application/x-tar", "application/x-www-form-urlencoded"]));

        Assert.Equal(400, ex.StatusCode);
    }

    [Fact(Timeout = 30000)]
    public async Task Build_DockerCliQuery_ForwardedStampedAndTarOnly()
    {
        // The query the docker CLI's classic builder sends.
        var plan = await BuildAsync("?buildargs=%7B%7D&cachefrom=null&cgroupparent=&cpuperiod=0&cpuquota=0&cpusetcpus=&cpusetmems=&cpushares=0&dockerfile=Dockerfile&labels=%7B%7D&memory=0&memswap=0&networkmode=default&rm=1&shmsize=0&t=mine%3Alatest&target=&ulimits=null&version=1");

        var query = Forwarded(plan);
        Assert.True(plan.StreamBody);
        Assert.Equal("mine:latest", query.Get("t"));
        Assert.Null(query.Get("cgroupparent"));
        Assert.Null(query.Get("cachefrom"));
        Assert.Equal("1", query.Get("forcerm"));
        Assert.False(string.IsNullOrEmpty(JsonNode.Parse(query.Get("labels")!)!["io.sdock.proxy.scope"]?.GetValue<string>()));
    }

    [Fact(Timeout = 30000)]
    public async Task Build_DockerPyBooleans_Accepted()
    {
        var plan = await BuildAsync("?t=py-built&q=False&nocache=False&rm=False&forcerm=False&pull=False&dockerfile=Dockerfile");

        Assert.Equal("1", Forwarded(plan).Get("rm"));
    }

    [Theory]
    [InlineData("?remote=https://example.invalid/x.git", 403)]
    [InlineData("?remote=-", 403)]
    [InlineData("?networkmode=host", 403)]
    [InlineData("?networkmode=container:victim", 403)]
    [InlineData("?networkmode=some-scope-network", 403)]
    [InlineData("?isolation=hyperv", 403)]
    [InlineData("?session=abc", 403)]
    [InlineData("?outputs=%5B%7B%22Type%22%3A%22local%22%7D%5D", 403)]
    [InlineData("?securityopt=", 403)]
    [InlineData("?securityopt=seccomp%3Dunconfined", 403)]
    [InlineData("?cgroupparent=/", 403)]
    [InlineData("?ulimits=%5B%7B%22Name%22%3A%22nofile%22%2C%22Soft%22%3A1048576%2C%22Hard%22%3A1048576%7D%5D", 403)]
    [InlineData("?version=2", 403)]
    [InlineData("?pull=1", 403)]
    [InlineData("?pull=yes", 403)]
    [InlineData("?pull=%20on", 403)]
    [InlineData("?labels=%7B%22io.sdock.proxy.scope%22%3A%22victim%22%7D", 403)]
    [InlineData("?labels=%7B%22IO.SDOCK.PROXY.scope.0%22%3A%22victim%22%7D", 403)]
    [InlineData("?labels=%7B%22io.sdock.docker-access%22%3A%22scoped%22%7D", 403)]
    [InlineData("?labels=%7B%22a%22%3A1%7D", 400)]
    [InlineData("?labels=%5B%5D", 400)]
    [InlineData("?labels=%7B%22a%22%3A%22x%22%2C%22a%22%3A%22y%22%7D", 400)]
    [InlineData("?buildargs=%7B%22A%22%3A%7B%7D%7D", 400)]
    [InlineData("?cachefrom=%7B%7D", 400)]
    [InlineData("?cachefrom=%5B%22busybox%22%5D", 404)]
    [InlineData("?t=Upper", 400)]
    [InlineData("?t=a%40sha256%3Aabc", 400)]
    [InlineData("?t=", 400)]
    [InlineData("?memory=1e9", 400)]
    [InlineData("?memory=99999999999999999999", 400)]
    [InlineData("?cpusetcpus=all", 400)]
    [InlineData("?platform=..%2F..", 400)]
    [InlineData("?extrahosts=victim", 400)]
    [InlineData("?dockerfile=a%0Ab", 400)]
    [InlineData("?unknownparam=1", 400)]
    [InlineData("?T=victim", 400)]
    [InlineData("?networkmode=default&networkmode=host", 400)]
    [InlineData("?labels=%7B%7D&labels=%7B%22io.sdock.proxy.scope%22%3A%22v%22%7D", 400)]
    public async Task Build_ParameterOutsideWhitelist_Refused(string query, int status)
    {
        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => BuildAsync(query));

        Assert.Equal(status, ex.StatusCode);
    }

    [Fact(Timeout = 30000)]
    public async Task Build_PullWhenPolicyAllows_Forwarded()
    {
        var plan = await BuildAsync("?pull=1", ProxyPolicy.Default with { AllowPull = true });

        Assert.Equal("1", Forwarded(plan).Get("pull"));
    }

    [Theory]
    [InlineData("?networkmode=none")]
    [InlineData("?networkmode=default")]
    [InlineData("?extrahosts=db%3A10.0.0.2&extrahosts=gw%3Ahost-gateway")]
    [InlineData("?platform=linux%2Famd64&target=final&buildid=abc-1&cpusetcpus=0-1&memory=268435456")]
    [InlineData("?buildargs=%7B%22A%22%3A%22x%22%2C%22B%22%3Anull%7D&labels=%7B%22app%22%3A%22x%22%7D")]
    public async Task Build_ShapeInWhitelist_Forwarded(string query)
    {
        var plan = await BuildAsync(query);

        Assert.StartsWith("/v1.41/build?", plan.Target, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("no")]
    [InlineData(" FALSE ")]
    [InlineData("none")]
    public void EngineBool_FalseForms(string value) => Assert.False(RequestAuthorizer.EngineBool(value));

    [Theory]
    [InlineData("1")]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("2")]
    [InlineData("False-ish")]
    public void EngineBool_EverythingElseTrue(string value) => Assert.True(RequestAuthorizer.EngineBool(value));
}
