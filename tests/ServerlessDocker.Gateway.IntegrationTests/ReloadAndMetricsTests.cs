using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Http;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>Config reload on a live gateway, Prometheus metrics, and the library mode in a plain ASP.NET Core app.</summary>
public sealed class ReloadAndMetricsTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task Reload_FileChanged_NewFunctionServedAndBadFileKeepsRunningConfig()
    {
        await using var gateway = await TestGateway.StartAsync(engine, $"""
            gateway:
              adminToken: t
            functions:
              a:
                image: {EngineFixture.CgiImage}
            """, cancellationToken: Ct);
        using (var before = await gateway.Client.GetAsync("/function/b/env", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        await File.WriteAllTextAsync(gateway.ConfigPath, $"""
            gateway:
              adminToken: t
            functions:
              a:
                image: {EngineFixture.CgiImage}
              b:
                image: {EngineFixture.CgiImage}
                route: /bee
            """, Ct);
        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync("/bee/env", Ct)).StatusCode == HttpStatusCode.OK, "function b after the reload", TimeSpan.FromSeconds(10), Ct);

        await File.WriteAllTextAsync(gateway.ConfigPath, "gateway:\n  adminToken: t\nfunctions:\n  a:\n    image: x\n    concurrency: many\n", Ct);
        await Eventually.TrueAsync(() => Task.FromResult(gateway.Host.Config.LastError is not null), "the bad file to be rejected", TimeSpan.FromSeconds(10), Ct);
        using var status = new HttpRequestMessage(HttpMethod.Get, "/admin/status");
        status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        var statusJson = await (await gateway.Client.SendAsync(status, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var stillServed = await gateway.Client.GetAsync("/bee/env", Ct);

        Assert.StartsWith("functions.yaml:6:", gateway.Host.Config.LastError, StringComparison.Ordinal);
        Assert.Contains("concurrency", statusJson.GetProperty("configError").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);
    }

    [Fact(Timeout = 60000)]
    public async Task Metrics_AfterCalls_CountersHistogramAndGauges()
    {
        await using var gateway = await TestGateway.StartAsync(engine, $"""
            functions:
              m:
                image: {EngineFixture.CgiImage}
            """, cancellationToken: Ct);
        (await gateway.Client.GetAsync("/function/m/env", Ct)).Dispose();
        (await gateway.Client.GetAsync("/function/m/malformed", Ct)).Dispose();

        var text = await gateway.Client.GetStringAsync("/metrics", Ct);

        Assert.Contains("sdock_gateway_invocations_total{function=\"m\",kind=\"sync\",status=\"200\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_invocations_total{function=\"m\",kind=\"sync\",status=\"502\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_invocation_duration_seconds_count{function=\"m\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_in_flight{function=\"m\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_queue_length{function=\"m\"} 0", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task MapContainerFunction_AnyAspNetCoreApp_ServesRouteWithCgiSplit()
    {
        var store = Path.Combine(Path.GetTempPath(), $"sdock-gw-lib-{Guid.NewGuid():N}.db");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(engine.Docker);
        builder.Services.AddContainerFunctions(o =>
        {
            o.StorePath = store;
            o.Functions.Add(new FunctionDefinition { Name = "leftpad", Image = EngineFixture.CgiImage, Timeout = TimeSpan.FromSeconds(20) });
        });
        await using var app = builder.Build();
        app.MapContainerFunction("/leftpad/{**path}", "leftpad");
        app.MapGet("/hello", () => "not a container");
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var env = Env.Parse(await client.GetStringAsync("/leftpad/env?q=1", Ct));
        var other = await client.GetStringAsync("/hello", Ct);
        await app.StopAsync(Ct);

        Assert.Equal("/leftpad", env["SCRIPT_NAME"]);
        Assert.Equal("/env", env["PATH_INFO"]);
        Assert.Equal("q=1", env["QUERY_STRING"]);
        Assert.Equal("not a container", other);
        await DockerCli.AssertGoneAsync($"{Execution.GatewayLabels.Function}=leftpad", Ct);
        foreach (var file in new[] { store, store + "-wal", store + "-shm" })
        {
            File.Delete(file);
        }
    }
}
