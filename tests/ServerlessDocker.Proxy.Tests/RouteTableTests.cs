using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Tests;

public sealed class RouteTableTests
{
    private static Route? Match(string method, string path) => RouteTable.Match(method, RequestTargetParser.Parse(path).Segments);

    [Theory(Timeout = 10000)]
    [InlineData("GET", "/containers/json", "container.list", null)]
    [InlineData("POST", "/containers/create", "container.create", null)]
    [InlineData("POST", "/containers/abc/attach", "container.attach", "abc")]
    [InlineData("POST", "/exec/e1/start", "exec.start", "e1")]
    [InlineData("GET", "/images/registry:5000/team/app:1/json", "image.inspect", "registry:5000/team/app:1")]
    [InlineData("DELETE", "/images/team/app:1", "image.delete", "team/app:1")]
    [InlineData("POST", "/images/team/app/tag", "image.tag", "team/app")]
    [InlineData("HEAD", "/_ping", "system.ping", null)]
    [InlineData("PUT", "/containers/abc/archive", "container.archive.put", "abc")]
    public void Match_KnownRoute_Matched(string method, string path, string name, string? reference)
    {
        var route = Match(method, path);

        Assert.NotNull(route);
        Assert.Equal(name, route.Name);
        Assert.Equal(reference, route.Reference);
    }

    [Theory(Timeout = 10000)]
    [InlineData("GET", "/info")]
    [InlineData("GET", "/system/df")]
    [InlineData("POST", "/swarm/init")]
    [InlineData("GET", "/services")]
    [InlineData("GET", "/plugins")]
    [InlineData("POST", "/session")]
    [InlineData("POST", "/grpc")]
    [InlineData("POST", "/auth")]
    [InlineData("GET", "/containers/abc/attach/ws")]
    [InlineData("GET", "/containers/abc/checkpoints")]
    [InlineData("POST", "/images/load")]
    [InlineData("GET", "/images/search")]
    [InlineData("POST", "/build/prune")]
    [InlineData("GET", "/distribution/busybox/json")]
    [InlineData("GET", "/containers/create")]
    [InlineData("OPTIONS", "/containers/json")]
    [InlineData("HEAD", "/containers/json")]
    [InlineData("GET", "/libpod/containers/json")]
    public void Match_UnlistedEndpoint_Denied(string method, string path)
    {
        Assert.Null(Match(method, path));
    }
}
