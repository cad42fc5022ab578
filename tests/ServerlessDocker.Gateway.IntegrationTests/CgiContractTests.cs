using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>The CGI contract against a real CGI program in a real container, through real Kestrel and HttpClient.</summary>
public sealed class CgiContractTests(EngineFixture engine) : IAsyncLifetime
{
    private const string Yaml = $"""
        gateway:
          adminToken: admin-token
        functions:
          cgi:
            image: {EngineFixture.CgiImage}
            route: /cgi
            timeout: 20s
            concurrency: 8
          plain-echo:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-echo]
          plain-fail:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-fail]
        """;

    private TestGateway _gateway = null!;

    private HttpClient Client => _gateway.Client;

    public async ValueTask InitializeAsync() => _gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string CallId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Call-Id", out var v) ? v.Single() : throw new Xunit.Sdk.XunitException("no X-Call-Id header");

    private static Task AssertContainerGoneAsync(HttpResponseMessage response) =>
        DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={CallId(response)}", Ct);

    [Fact(Timeout = 60000)]
    public async Task Env_PostWithHeaders_Rfc3875VariablesAndBodyOnStdin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cgi/env?x=1&y=a%20b")
        {
            Content = new StringContent("hello", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("X-Custom", "custom-value");
        request.Headers.Add("Proxy", "http://evil.invalid:3128");
        request.Headers.Add("X-Multi", ["1", "2"]);

        using var response = await Client.SendAsync(request, Ct);
        var env = Env.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST", env["REQUEST_METHOD"]);
        Assert.Equal("x=1&y=a%20b", env["QUERY_STRING"]);
        Assert.Equal("/cgi", env["SCRIPT_NAME"]);
        Assert.Equal("/env", env["PATH_INFO"]);
        Assert.Equal("/cgi/env?x=1&y=a%20b", env["REQUEST_URI"]);
        Assert.Equal("5", env["CONTENT_LENGTH"]);
        Assert.Equal("text/plain; charset=utf-8", env["CONTENT_TYPE"]);
        Assert.Equal("127.0.0.1", env["SERVER_NAME"]);
        Assert.Equal(_gateway.Host.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), env["SERVER_PORT"]);
        Assert.Equal("HTTP/1.1", env["SERVER_PROTOCOL"]);
        Assert.StartsWith("sdock-gateway/", env["SERVER_SOFTWARE"], StringComparison.Ordinal);
        Assert.Equal("CGI/1.1", env["GATEWAY_INTERFACE"]);
        Assert.Equal("127.0.0.1", env["REMOTE_ADDR"]);
        Assert.True(int.Parse(env["REMOTE_PORT"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("off", env["HTTPS"]);
        Assert.Equal("custom-value", env["HTTP_X_CUSTOM"]);
        Assert.Equal("1, 2", env["HTTP_X_MULTI"]);
        Assert.False(env.Variables.ContainsKey("HTTP_PROXY"), "httpoxy: the Proxy header must never become HTTP_PROXY");
        Assert.DoesNotContain(env.Variables.Values, v => v.Contains("evil.invalid", StringComparison.Ordinal));
        Assert.Equal("hello", env.Body);
        await AssertContainerGoneAsync(response);
    }

    [Fact(Timeout = 60000)]
    public async Task Env_ChunkedBody_ReachesStdinWithContentLength()
    {
        var payload = new string('z', 100_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/function/cgi/env") { Content = new ChunkedContent(Encoding.ASCII.GetBytes(payload)) };

        using var response = await Client.SendAsync(request, Ct);
        var env = Env.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.True(request.Headers.TransferEncodingChunked ?? request.Content.Headers.ContentLength is null, "the request must really be chunked");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/function/cgi", env["SCRIPT_NAME"]);
        Assert.Equal("100000", env["CONTENT_LENGTH"]);
        Assert.Equal(payload, env.Body);
        await AssertContainerGoneAsync(response);
    }

    [Fact(Timeout = 60000)]
    public async Task Status_ProgramSetsStatusAndHeaders_CopiedToResponse()
    {
        using var response = await Client.GetAsync("/cgi/status", Ct);

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Custom").Single());
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal("short and stout\n", await response.Content.ReadAsStringAsync(Ct));
        await AssertContainerGoneAsync(response);
    }

    [Fact(Timeout = 60000)]
    public async Task Location_LocalPath_GatewayFetchesItWithGet()
    {
        using var response = await Client.PostAsync("/cgi/local-redirect", new StringContent("ignored"), Ct);
        var env = Env.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET", env["REQUEST_METHOD"]);
        Assert.Equal("/env", env["PATH_INFO"]);
        Assert.Equal("from=redirect", env["QUERY_STRING"]);
        Assert.Equal("", env.Body);
    }

    [Fact(Timeout = 60000)]
    public async Task Location_AbsoluteUrl_302ToClient()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _gateway.Host.BaseAddress };

        using var response = await client.GetAsync("/cgi/client-redirect", Ct);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("http://example.invalid/elsewhere", response.Headers.Location?.ToString());
    }

    [Theory(Timeout = 60000)]
    [InlineData("/cgi/malformed", "not 'Name: value'")]
    [InlineData("/cgi/no-blank-line", "ended before the blank line")]
    [InlineData("/cgi/nothing", "wrote nothing")]
    [InlineData("/cgi/fail", "wrote nothing")]
    [InlineData("/cgi/split-header", "control character")]
    [InlineData("/cgi/backslash-redirect", "Location header is not a URI")]
    public async Task Response_Malformed_502AndReasonLogged(string path, string reason)
    {
        using var response = await Client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.Contains(_gateway.Logs.Lines, l => l.Contains(CallId(response), StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        await AssertContainerGoneAsync(response);
    }

    [Fact(Timeout = 60000)]
    public async Task Body_ProducedSlowly_StreamedBeforeProgramEnds()
    {
        var clock = Stopwatch.StartNew();
        using var response = await Client.GetAsync("/cgi/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        var first = await reader.ReadLineAsync(Ct);
        var firstAt = clock.Elapsed;
        var second = await reader.ReadLineAsync(Ct);
        var secondAt = clock.Elapsed;

        Assert.Equal("first", first);
        Assert.Equal("second", second);
        // The program writes the lines 4 s apart; buffering would deliver them together.
        Assert.True(secondAt - firstAt >= TimeSpan.FromSeconds(2.5), $"'first' came at {firstAt}, 'second' at {secondAt}: the body was buffered, not streamed");
    }

    [Fact(Timeout = 60000)]
    public async Task Stderr_ProgramWritesIt_InLogNotInResponse()
    {
        using var response = await Client.GetAsync("/cgi/stderr", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var id = CallId(response);
        using var admin = new HttpRequestMessage(HttpMethod.Get, "/admin/calls/" + id);
        admin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-token");
        using var record = await Client.SendAsync(admin, Ct);

        Assert.Equal("stdout only\n", body);
        Assert.Contains(_gateway.Logs.Lines, l => l.Contains("this line goes to the log", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));
        Assert.Contains("this line goes to the log", await record.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task Exit_NonZeroAfterValidResponse_ResponseKept()
    {
        using var response = await Client.GetAsync("/cgi/exit-after-body", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body then failure\n", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Plain_ExitZero_StdoutIsBody()
    {
        using var response = await Client.PostAsync("/function/plain-echo", new StringContent("abc"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("plain:\nabc", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        await AssertContainerGoneAsync(response);
    }

    [Fact(Timeout = 60000)]
    public async Task Plain_NonZeroExit_500WithoutStderr()
    {
        using var response = await Client.GetAsync("/function/plain-fail", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("exited with code 7", body, StringComparison.Ordinal);
        Assert.DoesNotContain("plain failure", body, StringComparison.Ordinal);
        await AssertContainerGoneAsync(response);
    }

    [Theory(Timeout = 30000)]
    [InlineData("/function/nope")]
    [InlineData("/function/nope/x")]
    [InlineData("/not-a-route")]
    [InlineData("/cgi-but-not-prefix")]
    public async Task Path_NoFunction_404(string path)
    {
        using var response = await Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>Content without a length, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedContent(byte[] data) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < data.Length; i += 7000)
            {
                await stream.WriteAsync(data.AsMemory(i, Math.Min(7000, data.Length - i)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
