using System.Text;
using ServerlessDocker.Gateway.Triggers.Async;
using ServerlessDocker.Gateway.Cgi;

namespace ServerlessDocker.Gateway.Tests;

/// <summary>What a hostile client or a misbehaving CGI program sends, and what the gateway must refuse.</summary>
public sealed class HostileInputTests
{
    private static Task<CgiParseResult> ParseAsync(string output) =>
        CgiResponseParser.ReadHeadAsync(new MemoryStream(Encoding.Latin1.GetBytes(output)), CgiResponseParser.DefaultMaxHeaderBytes, TestContext.Current.CancellationToken);

    [Theory(Timeout = 10000)]
    [InlineData("Content-Type: text/plain\nX-A: ok\rSet-Cookie: evil=1\n\n", "control character")]
    [InlineData("Content-Type: text/plain\nX-A: a\0b\n\n", "control character")]
    [InlineData("Content-Type: text/plain\r\nX-A: a\r\r\n\r\n", "control character")]
    [InlineData("Content-Type: text/plain\nX-(A): 1\n\n", "not a token")]
    [InlineData("Content-Type: text/plain\nX\"A: 1\n\n", "not a token")]
    [InlineData("Status: 200 OK\0junk\nContent-Type: text/plain\n\n", "control character")]
    [InlineData("Status: 200OK\nContent-Type: text/plain\n\n", "Status header")]
    [InlineData("Status: 101 Switching Protocols\nContent-Type: text/plain\n\n", "Status header")]
    [InlineData("Status: 999 Odd\nContent-Type: text/plain\n\n", "Status header")]
    [InlineData("Status: 2000\nContent-Type: text/plain\n\n", "Status header")]
    [InlineData("Location: /\\evil.example\n\n", "Location")]
    [InlineData("Location: /ok\rSet-Cookie: x\n\n", "Location")]
    [InlineData("Location: /a b\n\n", "Location")]
    public async Task ReadHead_HostileProgramOutput_RefusedAsMalformed(string output, string expected)
    {
        var result = await ParseAsync(output);

        Assert.False(result.IsValid, "should be refused: " + output);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10000)]
    [InlineData("Location: //evil.example/x\n\n")]
    [InlineData("Location: https://evil.example/x\n\n")]
    public async Task ReadHead_OffSiteLocation_NeverLocalRedirect(string output)
    {
        var result = await ParseAsync(output);

        Assert.True(result.IsValid, result.Error);
        Assert.False(result.Head!.IsLocalRedirect);
        Assert.Equal(302, result.Head.StatusCode);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_TabAndLatin1InValue_Accepted()
    {
        // A tab is legal in a field value (RFC 9110 §5.5), so are obs-text bytes; only CTLs are refused.
        var result = await ParseAsync("Content-Type: text/plain\nX-A: a\tb\n\n");

        Assert.True(result.IsValid, result.Error);
        Assert.Contains(result.Head!.Headers, h => h.Key == "X-A" && h.Value == "a\tb");
    }

    private static CgiRequest Request(params (string Name, string Value)[] headers) => new()
    {
        Method = "GET",
        RawTarget = "/function/f",
        Path = "/function/f",
        Headers = headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList(),
    };

    [Fact(Timeout = 10000)]
    public void Build_UnderscoreHeaderName_DroppedSoItCannotPassForTheDashedOne()
    {
        // A fronting proxy that sets X-Forwarded-For would let "X-Forwarded_For" through untouched: both would become
        // HTTP_X_FORWARDED_FOR. Like Apache and nginx, only names of letters, digits and '-' become variables.
        var env = CgiEnvironment.Build(Request(("X-Forwarded_For", "6.6.6.6"), ("X-Forwarded-For", "10.0.0.1"), ("X.Auth.User", "root")), "/f", "", null, true);

        Assert.Equal("10.0.0.1", env["HTTP_X_FORWARDED_FOR"]);
        Assert.False(env.ContainsKey("HTTP_X_AUTH_USER"));
        Assert.DoesNotContain(env.Values, v => v.Contains("6.6.6.6", StringComparison.Ordinal) || v == "root");
    }

    [Theory(Timeout = 10000)]
    [InlineData("Proxy")]
    [InlineData("PROXY")]
    [InlineData("Proxy_")]
    public void Build_ProxySpellings_NoHttpProxyVariable(string header)
    {
        var env = CgiEnvironment.Build(Request((header, "http://evil:3128")), "/f", "", null, true);

        Assert.DoesNotContain(env.Keys, k => k.StartsWith("HTTP_PROXY", StringComparison.Ordinal));
    }

    [Theory(Timeout = 10000)]
    [InlineData("http://169.254.169.254/latest/meta-data", "not in gateway.callbackHosts")]
    [InlineData("http://LOCALHOST:2375/containers/create", "not in gateway.callbackHosts")]
    [InlineData("http://hooks.example.evil.example/x", "not in gateway.callbackHosts")]
    [InlineData("http://10.0.0.5:9001/x", "not in gateway.callbackHosts")]
    [InlineData("http://user:pw@hooks.example/x", "user:password")]
    [InlineData("file:///etc/passwd", "absolute http")]
    [InlineData("gopher://hooks.example/x", "absolute http")]
    public void Check_CallbackOutsideAllowList_Refused(string url, string expected) =>
        Assert.Contains(expected, CallbackPolicy.Check(url, ["hooks.example", "10.0.0.5:9000"]), StringComparison.Ordinal);

    [Theory(Timeout = 10000)]
    [InlineData("https://hooks.example/x")]
    [InlineData("http://HOOKS.example:8080/x")]
    [InlineData("http://10.0.0.5:9000/done")]
    public void Check_CallbackOnAllowList_Allowed(string url) =>
        Assert.Null(CallbackPolicy.Check(url, ["hooks.example", "10.0.0.5:9000"]));

    [Fact(Timeout = 10000)]
    public void Check_NoAllowList_CallbacksDisabled() =>
        Assert.Contains("disabled", CallbackPolicy.Check("https://hooks.example/x", []), StringComparison.Ordinal);

    [Theory(Timeout = 10000)]
    [InlineData("innerHTML")]
    [InlineData("outerHTML")]
    [InlineData("insertAdjacentHTML")]
    [InlineData("document.write")]
    [InlineData("eval(")]
    [InlineData("new Function")]
    public void DashboardScript_ShowsUntrustedText_NeverParsedAsHtml(string sink)
    {
        // Function names, output and logs come from callers and functions: the page must only ever use textContent.
        using var stream = typeof(CgiEnvironment).Assembly.GetManifestResourceStream("dashboard/app.js");
        Assert.NotNull(stream);
        var script = new StreamReader(stream).ReadToEnd();

        Assert.Contains("textContent", script, StringComparison.Ordinal);
        Assert.DoesNotContain(sink, script, StringComparison.Ordinal);
    }
}
