using ServerlessDocker.Gateway.Cgi;

namespace ServerlessDocker.Gateway.Tests;

public sealed class CgiEnvironmentTests
{
    private static CgiRequest Request(params (string Name, string Value)[] headers) => new()
    {
        Method = "POST",
        RawTarget = "/function/f/a%20b?x=1&y=2",
        Path = "/function/f/a b",
        Query = "x=1&y=2",
        Protocol = "HTTP/1.1",
        ServerName = "gw.local",
        ServerPort = 8080,
        RemoteAddress = "10.0.0.9",
        RemotePort = 51234,
        ContentType = "text/plain",
        Headers = headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList(),
    };

    [Fact(Timeout = 10000)]
    public void Build_Request_SetsRfc3875Variables()
    {
        var env = CgiEnvironment.Build(Request(), "/function/f", "/a b", 5, passAuthorization: true);

        Assert.Equal("CGI/1.1", env["GATEWAY_INTERFACE"]);
        Assert.Equal("POST", env["REQUEST_METHOD"]);
        Assert.Equal("x=1&y=2", env["QUERY_STRING"]);
        Assert.Equal("/function/f", env["SCRIPT_NAME"]);
        Assert.Equal("/a b", env["PATH_INFO"]);
        Assert.Equal("/function/f/a%20b?x=1&y=2", env["REQUEST_URI"]);
        Assert.Equal("text/plain", env["CONTENT_TYPE"]);
        Assert.Equal("5", env["CONTENT_LENGTH"]);
        Assert.Equal("gw.local", env["SERVER_NAME"]);
        Assert.Equal("8080", env["SERVER_PORT"]);
        Assert.Equal("HTTP/1.1", env["SERVER_PROTOCOL"]);
        Assert.Equal(CgiEnvironment.ServerSoftware, env["SERVER_SOFTWARE"]);
        Assert.Equal("10.0.0.9", env["REMOTE_ADDR"]);
        Assert.Equal("51234", env["REMOTE_PORT"]);
        Assert.Equal("off", env["HTTPS"]);
    }

    [Fact(Timeout = 10000)]
    public void Build_ProxyHeader_NeverBecomesHttpProxy()
    {
        var env = CgiEnvironment.Build(Request(("Proxy", "http://evil:3128"), ("proxy", "http://evil2"), ("X-Other", "1")), "/f", "", null, true);

        Assert.False(env.ContainsKey("HTTP_PROXY"));
        Assert.DoesNotContain(env.Values, v => v.Contains("evil", StringComparison.Ordinal));
        Assert.Equal("1", env["HTTP_X_OTHER"]);
    }

    [Fact(Timeout = 10000)]
    public void Build_OneVariablePerHeader_RepeatedValuesJoined()
    {
        var env = CgiEnvironment.Build(Request(("X-Multi", "a"), ("X-Multi", "b"), ("Cookie", "c=1"), ("Cookie", "d=2"), ("User-Agent", "t/1")), "/f", "", null, true);

        Assert.Equal("a, b", env["HTTP_X_MULTI"]);
        Assert.Equal("c=1; d=2", env["HTTP_COOKIE"]);
        Assert.Equal("t/1", env["HTTP_USER_AGENT"]);
    }

    [Fact(Timeout = 10000)]
    public void Build_ContentHeaders_OnlyAsContentVariables()
    {
        var env = CgiEnvironment.Build(Request(("Content-Type", "text/plain"), ("Content-Length", "5")), "/f", "", 5, true);

        Assert.False(env.ContainsKey("HTTP_CONTENT_TYPE"));
        Assert.False(env.ContainsKey("HTTP_CONTENT_LENGTH"));
    }

    [Fact(Timeout = 10000)]
    public void Build_GatewayToken_AuthorizationNotPassed()
    {
        var withToken = Request(("Authorization", "Bearer secret"));

        Assert.False(CgiEnvironment.Build(withToken, "/f", "", null, passAuthorization: false).ContainsKey("HTTP_AUTHORIZATION"));
        Assert.Equal("Bearer secret", CgiEnvironment.Build(withToken, "/f", "", null, passAuthorization: true)["HTTP_AUTHORIZATION"]);
    }

    [Fact(Timeout = 10000)]
    public void Build_NoBody_NoContentLength()
    {
        var env = CgiEnvironment.Build(Request() with { ContentType = null }, "/f", "", 0, true);

        Assert.False(env.ContainsKey("CONTENT_LENGTH"));
        Assert.False(env.ContainsKey("CONTENT_TYPE"));
    }

    [Theory(Timeout = 10000)]
    [InlineData("X-Forwarded-For", "X_FORWARDED_FOR")]
    [InlineData("accept", "ACCEPT")]
    [InlineData("x.weird~name", "X_WEIRD_NAME")]
    public void HeaderToVariable_Name_UppercaseWithUnderscores(string header, string expected) =>
        Assert.Equal(expected, CgiEnvironment.HeaderToVariable(header));

    [Fact(Timeout = 10000)]
    public void ForLocalRedirect_PostWithBody_BecomesGetWithoutBodyHeaders()
    {
        var redirected = Request(("Content-Length", "5"), ("X-Keep", "1")).ForLocalRedirect("/other/path?q=1");

        Assert.Equal("GET", redirected.Method);
        Assert.Equal("/other/path", redirected.Path);
        Assert.Equal("q=1", redirected.Query);
        Assert.Null(redirected.ContentType);
        Assert.DoesNotContain(redirected.Headers, h => h.Key == "Content-Length");
        Assert.Contains(redirected.Headers, h => h.Key == "X-Keep");
    }
}
