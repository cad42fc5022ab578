using System.Net;
using System.Net.Http.Headers;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>
/// A hostile function or client against the real gateway and engine: a local redirect never runs a function the
/// caller may not invoke, a body-less status keeps the connection, the gateway's headers win, metrics and the admin
/// pages are the operator's.
/// </summary>
public sealed class GatewayHardeningTests(EngineFixture engine)
{
    private const string Yaml = $"""
        gateway:
          adminToken: admin-secret
          invokeToken: invoke-secret
        functions:
          public:
            image: {EngineFixture.CgiImage}
            auth: false
          private:
            image: {EngineFixture.CgiImage}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60000)]
    [InlineData("/function/private/env")]
    [InlineData("/function/PRIVATE/env")]
    [InlineData("/function%2Fprivate/env")]
    [InlineData("/function/%70rivate/env")]
    public async Task LocalRedirect_ToAFunctionNeedingTheInvokeToken_WithoutIt_ClientGetsTheRedirectAndThePrivateFunctionNeverRuns(string location)
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.Host.BaseAddress };

        using var response = await client.GetAsync($"/function/public/redirect-to?{location}", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("SCRIPT_NAME=/function/private", body, StringComparison.Ordinal);
        var metrics = await MetricsAsync(gateway);
        Assert.Contains("sdock_gateway_invocation_duration_seconds_count{function=\"public\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("function=\"private\"", metrics, StringComparison.Ordinal);
    }

    private static async Task<string> MetricsAsync(TestGateway gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        using var response = await gateway.Client.SendAsync(request, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task LocalRedirect_ToAFunctionNeedingTheInvokeToken_WithIt_Followed()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/function/public/redirect-to?/function/private/env");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "invoke-secret");

        using var response = await gateway.Client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("SCRIPT_NAME=/function/private", body, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60000)]
    [InlineData("204")]
    [InlineData("304")]
    public async Task BodylessStatus_WithABody_AnsweredWithoutItAndTheConnectionSurvives(string status)
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

        using var first = await gateway.Client.GetAsync($"/function/public/no-content?{status}", Ct);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        using var second = await gateway.Client.GetAsync("/function/public/env", Ct);

        Assert.Equal(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), (int)first.StatusCode);
        Assert.Equal("", firstBody);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact(Timeout = 60000)]
    public async Task FunctionHeaders_ASecondCallId_TheGatewaysWins()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

        using var response = await gateway.Client.GetAsync("/function/public/no-content?200", Ct);

        var ids = response.Headers.GetValues("X-Call-Id").ToList();
        Assert.Single(ids);
        Assert.NotEqual("forged", ids[0]);
        Assert.Equal("kept", response.Headers.GetValues("X-Function").Single());
    }

    [Fact(Timeout = 60000)]
    public async Task Metrics_WithAnAdminToken_NeedIt()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

        using var anonymous = await gateway.Client.GetAsync("/metrics", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin-secret");
        using var admin = await gateway.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("sdock_gateway_", await admin.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task AdminListener_GatewayPagesOnlyThere_FunctionsOnlyOnTheMainListener()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct, adminListen: "127.0.0.1:0");
        var admin = gateway.AdminClient!;

        async Task<HttpStatusCode> GetAsync(HttpClient client, string path, string? token = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            // A Host naming the other listener must change nothing: the listener is told by the connection.
            request.Headers.Host = client == admin ? gateway.Host.BaseAddress.Authority : gateway.Host.AdminAddress!.Authority;
            using var response = await client.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.NotEqual(gateway.Host.BaseAddress.Port, gateway.Host.AdminAddress!.Port);
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(gateway.Client, "/admin/status", "admin-secret"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(gateway.Client, "/metrics", "admin-secret"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(gateway.Client, "/dashboard"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(gateway.Client, "/function/public/env"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(admin, "/admin/status", "admin-secret"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(admin, "/metrics", "admin-secret"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(admin, "/function/public/env"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(admin, "/healthz"));
    }
}
