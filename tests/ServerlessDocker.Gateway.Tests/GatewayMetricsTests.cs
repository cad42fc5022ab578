using System.Text;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Functions;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Tests;

/// <summary>The prometheus-net wiring: metric names and labels, a private registry per gateway, scrape-time queue length.</summary>
public sealed class GatewayMetricsTests
{
    private static async Task<string> ExportAsync(GatewayMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact(Timeout = 10000)]
    public async Task Export_ObservedCalls_CounterHistogramAndGaugesInPrometheusText()
    {
        using var concurrency = new FunctionConcurrency();
        var metrics = new GatewayMetrics(concurrency);

        metrics.Observe("f\"x", InvocationKind.Sync, 200, TimeSpan.FromMilliseconds(30));
        metrics.Observe("f\"x", InvocationKind.Sync, 200, TimeSpan.FromSeconds(5));
        metrics.Observe("f\"x", InvocationKind.Async, 502, TimeSpan.FromSeconds(1));
        metrics.InFlight.WithLabels("g").Inc();
        metrics.AsyncQueue.Set(3);
        var text = await ExportAsync(metrics);

        Assert.Contains("# TYPE sdock_gateway_invocations_total counter", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_invocations_total{function=\"f\\\"x\",kind=\"sync\",status=\"200\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_invocations_total{function=\"f\\\"x\",kind=\"async\",status=\"502\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_invocation_duration_seconds_bucket{function=\"f\\\"x\",le=\"0.05\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_invocation_duration_seconds_bucket{function=\"f\\\"x\",le=\"+Inf\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_invocation_duration_seconds_count{function=\"f\\\"x\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_in_flight{function=\"g\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("sdock_gateway_async_pending 3", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Export_TwoGateways_RegistriesDoNotMix()
    {
        using var concurrencyA = new FunctionConcurrency();
        using var concurrencyB = new FunctionConcurrency();
        var a = new GatewayMetrics(concurrencyA);
        var b = new GatewayMetrics(concurrencyB);

        a.Observe("only-in-a", InvocationKind.Sync, 200, TimeSpan.FromSeconds(1));

        Assert.Contains("only-in-a", await ExportAsync(a), StringComparison.Ordinal);
        Assert.DoesNotContain("only-in-a", await ExportAsync(b), StringComparison.Ordinal);
        Assert.DoesNotContain("only-in-a", await ExportAsync(new GatewayMetrics(concurrencyA)), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Export_WaitingCall_QueueLengthReadAtScrapeTime()
    {
        using var concurrency = new FunctionConcurrency();
        var metrics = new GatewayMetrics(concurrency);
        var fn = new FunctionDefinition { Name = "busy", Image = "x", Concurrency = 1, QueueLength = 4 };
        var ct = TestContext.Current.CancellationToken;
        using var first = await concurrency.AcquireAsync(fn, TimeSpan.FromSeconds(5), TimeProvider.System, ct);
        var waiting = concurrency.AcquireAsync(fn, TimeSpan.FromSeconds(5), TimeProvider.System, ct);

        Assert.Contains("sdock_gateway_queue_length{function=\"busy\"} 1", await ExportAsync(metrics), StringComparison.Ordinal);

        first!.Dispose();
        using var second = await waiting;
        Assert.Contains("sdock_gateway_queue_length{function=\"busy\"} 0", await ExportAsync(metrics), StringComparison.Ordinal);
    }
}
