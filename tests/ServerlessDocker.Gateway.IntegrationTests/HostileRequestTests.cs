using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>Requests a hostile client sends: route confusion around /admin, header names that forge variables.</summary>
public sealed class HostileRequestTests(EngineFixture engine) : IAsyncLifetime
{
    private const string Yaml = $"""
        gateway:
          adminToken: admin-secret
        functions:
          cgi:
            image: {EngineFixture.CgiImage}
        """;

    private TestGateway _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>Sends the request target byte for byte (HttpClient would normalise "..", "//" and escapes).</summary>
    private async Task<(int Status, string Text)> RawAsync(string method, string target)
    {
        var address = _gateway.Host.BaseAddress;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port, Ct);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"), Ct);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var text = await reader.ReadToEndAsync(Ct);
        var status = text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out var code) ? code : 0;
        return (status, text);
    }

    [Theory(Timeout = 30000)]
    [InlineData("GET", "/ADMIN/functions")]
    [InlineData("GET", "/Admin/Functions")]
    [InlineData("GET", "/function/../admin/functions")]
    [InlineData("GET", "/function/cgi/../../admin/functions")]
    [InlineData("GET", "/admin/./functions")]
    [InlineData("GET", "//admin/functions")]
    [InlineData("GET", "/admin//functions")]
    [InlineData("GET", "/admin%2Ffunctions")]
    [InlineData("GET", "/function/..%2Fadmin%2Ffunctions")]
    [InlineData("HEAD", "/admin/functions")]
    [InlineData("OPTIONS", "/admin/functions")]
    [InlineData("POST", "/admin/functions/cgi/invoke")]
    [InlineData("POST", "/ADMIN/functions/cgi/invoke")]
    public async Task Admin_PathOrMethodVariantWithoutToken_NeverServed(string method, string target)
    {
        var (status, text) = await RawAsync(method, target);

        Assert.True(status is 401 or 404 or 405, $"{method} {target} answered {status}:\n{text}");
        Assert.DoesNotContain("\"image\"", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task Invoke_HeaderNamesThatForgeVariables_NotPassed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/function/cgi/env");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.0.0.1");
        request.Headers.TryAddWithoutValidation("X-Forwarded_For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X.Remote.User", "root");
        request.Headers.TryAddWithoutValidation("Proxy", "http://evil:3128");
        request.Headers.TryAddWithoutValidation("Proxy_", "http://evil:3129");

        using var response = await _gateway.Client.SendAsync(request, Ct);
        var env = Env.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("10.0.0.1", env["HTTP_X_FORWARDED_FOR"]);
        Assert.False(env.Variables.ContainsKey("HTTP_X_REMOTE_USER"));
        Assert.DoesNotContain(env.Variables, v => v.Key.StartsWith("HTTP_PROXY", StringComparison.Ordinal) || v.Value.Contains("evil", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30000)]
    public async Task Invoke_TooManyHeaders_431AndNoContainer()
    {
        var address = _gateway.Host.BaseAddress;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port, Ct);
        await using var stream = client.GetStream();
        var headers = string.Concat(Enumerable.Range(0, 150).Select(i => $"X-H{i}: v\r\n"));
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /function/cgi/env HTTP/1.1\r\nHost: gw\r\n{headers}Connection: close\r\n\r\n"), Ct);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var text = await reader.ReadToEndAsync(Ct);

        Assert.StartsWith("HTTP/1.1 431", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task UnknownPath_ScriptInPath_EchoedAsPlainTextNeverSniffed()
    {
        using var response = await _gateway.Client.GetAsync("/%3Cscript%3Ealert(1)%3C/script%3E", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact(Timeout = 30000)]
    public async Task Dashboard_Page_SentWithHeadersThatStopFramingAndSniffing()
    {
        using var response = await _gateway.Client.GetAsync("/dashboard", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
