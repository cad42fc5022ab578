using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Tests;

public sealed class RequestTargetParserTests
{
    [Theory(Timeout = 10000)]
    [InlineData("/v1.41/containers/json", "1.41", "/containers/json")]
    [InlineData("/containers/json", null, "/containers/json")]
    [InlineData("/v1.24/containers/abc/json", "1.24", "/containers/abc/json")]
    [InlineData("/v1.41/containers%2Fabc%2Fjson", "1.41", "/containers/abc/json")]
    [InlineData("/v1.41/images/library/busybox:latest/json", "1.41", "/images/library/busybox:latest/json")]
    public void Parse_AcceptedTarget_CanonicalPath(string raw, string? version, string path)
    {
        var target = RequestTargetParser.Parse(raw);

        Assert.Equal(version, target.ApiVersion);
        Assert.Equal(path, target.Path);
    }

    [Theory(Timeout = 10000)]
    [InlineData("/v1.41/containers/mine/../victim/json")]
    [InlineData("/v1.41/containers/./json")]
    [InlineData("/v1.41//containers/json")]
    [InlineData("/v1.41/containers/json/")]
    [InlineData("/v1.41/containers/%2e%2e/victim/json")]
    [InlineData("/v1.41/containers/abc%252Fjson")]
    [InlineData("/v1.41/containers/abc%00/json")]
    [InlineData("/v1.41/containers/abc%0a/json")]
    [InlineData("/v1.41/containers/abc%5cx/json")]
    [InlineData("/v1.41/containers/abc;x=1/json")]
    [InlineData("/v1.20/containers/abc/start")]
    [InlineData("/v1.41.0/containers/json")]
    [InlineData("/v1/containers/json")]
    [InlineData("/v.../containers/json")]
    [InlineData("containers/json")]
    [InlineData("http://docker/containers/json")]
    [InlineData("/containers/json#x")]
    [InlineData("/containers/json?a=1;b=2")]
    [InlineData("/containers/%zz/json")]
    public void Parse_NonCanonicalTarget_Rejected(string raw)
    {
        var ex = Assert.Throws<RequestRejectedException>(() => RequestTargetParser.Parse(raw));
        Assert.Equal(400, ex.StatusCode);
    }

    [Theory(Timeout = 10000)]
    [InlineData("/V1.41/containers/json")]
    [InlineData("/v1.41/v1.41/containers/json")]
    [InlineData("/v1.41/Containers/json")]
    public void Parse_PrefixTheEngineDoesNotRoute_MatchesNoRoute(string raw)
    {
        var target = RequestTargetParser.Parse(raw);

        Assert.Null(RouteTable.Match("GET", target.Segments));
    }

    [Fact(Timeout = 10000)]
    public void ParseQuery_PercentAndPlus_DecodedOnce()
    {
        var query = RequestTargetParser.ParseQuery("filters=%7B%22a%22%3A1%7D&name=a+b&x=%252F");

        Assert.Equal("{\"a\":1}", query.Get("filters"));
        Assert.Equal("a b", query.Get("name"));
        Assert.Equal("%2F", query.Get("x"));
    }

    [Fact(Timeout = 10000)]
    public void Get_DuplicateParameter_Rejected()
    {
        var query = RequestTargetParser.ParseQuery("filters=a&filters=b");

        Assert.Throws<RequestRejectedException>(() => query.Get("filters"));
    }

    [Fact(Timeout = 10000)]
    public void ToQueryString_RebuiltFromDecodedValues_EncodesEverything()
    {
        var query = RequestTargetParser.ParseQuery("a=%26b&c=d e");

        Assert.Equal("?a=%26b&c=d%20e", query.ToQueryString());
    }
}
