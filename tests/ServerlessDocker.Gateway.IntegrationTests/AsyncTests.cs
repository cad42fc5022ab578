using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>Asynchronous calls: 202 + X-Call-Id, persisted in SQLite, callbacks, retries, and a gateway restart.</summary>
public sealed class AsyncTests(EngineFixture engine)
{
    private const string Yaml = $"""
        gateway:
          callbackHosts: ["127.0.0.1"]
        functions:
          cgi:
            image: {EngineFixture.CgiImage}
          flaky:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-fail]
            retry: {"{"} attempts: 3, backoff: 200ms, maxBackoff: 1s {"}"}
          slow:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-sleep, "3"]
          slower:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-sleep, "10"]
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task Async_WithCallbackUrl_202ThenResultPostedAndStored()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);
        await using var listener = await CallbackListener.StartAsync(Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/async-function/cgi/env?k=v") { Content = new StringContent("payload") };
        request.Headers.Add("X-Callback-Url", listener.Url);

        using var accepted = await gateway.Client.SendAsync(request, Ct);
        var id = accepted.Headers.GetValues("X-Call-Id").Single();
        var callback = await listener.NextAsync(TimeSpan.FromSeconds(30), Ct);
        var stored = await gateway.Client.GetFromJsonAsync<JsonElement>("/calls/" + id, Ct);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("/calls/" + id, accepted.Headers.Location?.ToString());
        Assert.Equal(id, callback.Headers["X-Call-Id"]);
        Assert.Equal("cgi", callback.Headers["X-Function-Name"]);
        Assert.Equal("200", callback.Headers["X-Function-Status"]);
        var env = Env.Parse(callback.Body);
        Assert.Equal("payload", env.Body);
        Assert.Equal("k=v", env["QUERY_STRING"]);
        Assert.Equal("/env", env["PATH_INFO"]);
        Assert.Equal("succeeded", stored.GetProperty("status").GetString());
        Assert.Equal(0, stored.GetProperty("exitCode").GetInt64());
        Assert.Equal(1, stored.GetProperty("attempts").GetInt32());
        Assert.Equal(200, stored.GetProperty("httpStatus").GetInt32());
        Assert.Contains("BODY:payload", stored.GetProperty("output").GetString(), StringComparison.Ordinal);
        await WaitForAsync(gateway, id, s => s.GetProperty("callbackStatus").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(10));
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={id}", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Async_AlwaysFailing_RetriedThenFailedAndCallbackSaysSo()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);
        await using var listener = await CallbackListener.StartAsync(Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/async-function/flaky");
        request.Headers.Add("X-Callback-Url", listener.Url);

        using var accepted = await gateway.Client.SendAsync(request, Ct);
        var id = accepted.Headers.GetValues("X-Call-Id").Single();
        var callback = await listener.NextAsync(TimeSpan.FromSeconds(45), Ct);
        var stored = await gateway.Client.GetFromJsonAsync<JsonElement>("/calls/" + id, Ct);

        Assert.Equal("failed", callback.Headers["X-Call-Status"]);
        Assert.Equal("500", callback.Headers["X-Function-Status"]);
        Assert.Equal("3", callback.Headers["X-Attempts"]);
        Assert.Equal("failed", stored.GetProperty("status").GetString());
        Assert.Equal(3, stored.GetProperty("attempts").GetInt32());
        Assert.Equal(7, stored.GetProperty("exitCode").GetInt64());
        Assert.Contains("plain failure", stored.GetProperty("stderr").GetString(), StringComparison.Ordinal);
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={id}", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Async_CallbackHostRemovedFromConfigMidCall_CallbackRefusedNotSent()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);
        await using var listener = await CallbackListener.StartAsync(Ct);
        // Long enough for the reload (two equal polls of the file) to land while the call still runs on a loaded machine.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/async-function/slower");
        request.Headers.Add("X-Callback-Url", listener.Url);
        using var accepted = await gateway.Client.SendAsync(request, Ct);
        var id = accepted.Headers.GetValues("X-Call-Id").Single();
        await WaitForContainerAsync(id);

        // The operator takes the host off the list while the call runs: the result must not be POSTed there.
        await File.WriteAllTextAsync(gateway.ConfigPath, Yaml.Replace("callbackHosts: [\"127.0.0.1\"]", "callbackHosts: [\"hooks.example\"]", StringComparison.Ordinal), Ct);
        var done = await WaitForAsync(gateway, id, s => s.GetProperty("callbackStatus").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30));

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal("failed", done.GetProperty("callbackStatus").GetString());
        Assert.Contains("not in gateway.callbackHosts", done.GetProperty("callbackError").GetString(), StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await listener.NextAsync(TimeSpan.FromMilliseconds(500), Ct));
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={id}", Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Async_GatewayRestartedMidCall_CallStillCompletes()
    {
        var dir = Directory.CreateTempSubdirectory("sdock-gw-restart-").FullName;
        try
        {
            string id;
            await using (var first = await TestGateway.StartAsync(engine, Yaml, dir, Ct))
            {
                using var accepted = await first.Client.PostAsync("/async-function/slow", new StringContent("x"), Ct);
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
                id = accepted.Headers.GetValues("X-Call-Id").Single();

                // Stop while the call's container runs: the gateway goes away mid-call.
                await WaitForContainerAsync(id);
            }

            await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={id}", Ct);
            await using var second = await TestGateway.StartAsync(engine, Yaml, dir, Ct);
            var done = await WaitForAsync(second, id, s => s.GetProperty("status").GetString() is "succeeded" or "failed", TimeSpan.FromSeconds(45));

            Assert.Equal("succeeded", done.GetProperty("status").GetString());
            Assert.Equal("done\n", done.GetProperty("output").GetString());
            await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={id}", Ct);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact(Timeout = 30000)]
    public async Task Async_UnknownFunctionOrBadCallback_Rejected()
    {
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);
        using var badCallback = new HttpRequestMessage(HttpMethod.Post, "/async-function/cgi");
        badCallback.Headers.Add("X-Callback-Url", "file:///etc/passwd");

        using var unknown = await gateway.Client.PostAsync("/async-function/nope", new StringContent(""), Ct);
        using var rejected = await gateway.Client.SendAsync(badCallback, Ct);
        using var missing = await gateway.Client.GetAsync("/calls/does-not-exist", Ct);
        using var offListCallback = new HttpRequestMessage(HttpMethod.Post, "/async-function/cgi");
        offListCallback.Headers.Add("X-Callback-Url", "http://169.254.169.254/latest/meta-data");
        using var ssrf = await gateway.Client.SendAsync(offListCallback, Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, ssrf.StatusCode);
        Assert.Contains("not in gateway.callbackHosts", await ssrf.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static async Task WaitForContainerAsync(string callId)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await DockerCli.ContainersAsync($"{GatewayLabels.Call}={callId}", Ct)).Count > 0)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"no container appeared for call {callId}");
    }

    private static async Task<JsonElement> WaitForAsync(TestGateway gateway, string id, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement last = default;
        while (clock.Elapsed < timeout)
        {
            last = await gateway.Client.GetFromJsonAsync<JsonElement>("/calls/" + id, Ct);
            if (done(last))
            {
                return last;
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail($"call {id} did not get there within {timeout}; last state: {last}");
        return last;
    }
}
