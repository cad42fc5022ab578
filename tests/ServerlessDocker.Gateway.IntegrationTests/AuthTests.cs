using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>Bearer tokens: admin API always, invocation when an invoke token is configured.</summary>
public sealed class AuthTests(EngineFixture engine) : IAsyncLifetime
{
    private const string Yaml = $"""
        gateway:
          adminToken: admin-secret
          invokeToken: invoke-secret
        functions:
          cgi:
            image: {EngineFixture.CgiImage}
          open:
            image: {EngineFixture.CgiImage}
            auth: false
        """;

    private TestGateway _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _gateway.Client.SendAsync(request, Ct);
    }

    [Theory(Timeout = 30000)]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("invoke-secret")]
    public async Task Admin_WithoutAdminToken_401(string? token)
    {
        using var response = await SendAsync(HttpMethod.Get, "/admin/functions", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Admin_WithAdminToken_ListsFunctions()
    {
        using var response = await SendAsync(HttpMethod.Get, "/admin/functions", "admin-secret");
        var functions = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["cgi", "open"], functions.EnumerateArray().Select(f => f.GetProperty("name").GetString()!));
        Assert.Equal("none", functions[0].GetProperty("network").GetString());
    }

    [Fact(Timeout = 60000)]
    public async Task Invoke_WithoutInvokeToken_401AndNoContainer()
    {
        using var response = await SendAsync(HttpMethod.Get, "/function/cgi/env", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await DockerCli.ContainersAsync($"{Execution.GatewayLabels.Call}={response.Headers.GetValues("X-Call-Id").Single()}", Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Invoke_WithInvokeToken_RunsAndTokenHiddenFromFunction()
    {
        using var response = await SendAsync(HttpMethod.Get, "/function/cgi/env", "invoke-secret");
        var env = Env.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(env.Variables.ContainsKey("HTTP_AUTHORIZATION"), "the gateway's token must not reach the function");
    }

    [Fact(Timeout = 60000)]
    public async Task Invoke_FunctionWithAuthFalse_OpenToAll()
    {
        using var response = await SendAsync(HttpMethod.Get, "/function/open/env", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact(Timeout = 60000)]
    public async Task AdminInvoke_WithAdminToken_RunsFunction()
    {
        using var response = await SendAsync(HttpMethod.Post, "/admin/functions/cgi/invoke", "admin-secret");

        // The test program answers 404 for an empty PATH_INFO: the status comes from the program, so it ran.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no such path", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Async_WithoutInvokeToken_401AndCallsNeedToken()
    {
        using var asyncCall = await SendAsync(HttpMethod.Post, "/async-function/cgi", null);
        using var calls = await SendAsync(HttpMethod.Get, "/calls/anything", null);

        Assert.Equal(HttpStatusCode.Unauthorized, asyncCall.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, calls.StatusCode);
    }
}
