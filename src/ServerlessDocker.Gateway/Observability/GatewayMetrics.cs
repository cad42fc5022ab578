using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.Observability;

/// <summary>
/// Prometheus metrics of one gateway, in its own registry (so several gateways in one process, as in tests, do not
/// share counters).
/// </summary>
internal sealed class GatewayMetrics
{
    public GatewayMetrics(FunctionConcurrency concurrency)
    {
        Invocations = Registry.Add(new GaugeFamily("sdock_gateway_invocations_total", "Function calls by function, kind and HTTP status.", ["function", "kind", "status"], "counter"));
        Duration = Registry.Add(new HistogramFamily("sdock_gateway_invocation_duration_seconds", "Wall time of function calls (container create to removal).", ["function"],
            HistogramFamily.ExponentialBuckets(0.05, 2, 12)));
        InFlight = Registry.Add(new GaugeFamily("sdock_gateway_in_flight", "Calls running now.", ["function"]));
        QueueLength = Registry.Add(new GaugeFamily("sdock_gateway_queue_length", "Calls waiting for a concurrency slot.", ["function"]));
        AsyncQueue = Registry.Add(new GaugeFamily("sdock_gateway_async_pending", "Asynchronous calls accepted but not finished.", []));
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (function, queued, _) in concurrency.Snapshot())
            {
                QueueLength.WithLabels(function).Set(queued);
            }
        });
    }

    public MetricRegistry Registry { get; } = new();

    public GaugeFamily Invocations { get; }

    public HistogramFamily Duration { get; }

    public GaugeFamily InFlight { get; }

    public GaugeFamily QueueLength { get; }

    public GaugeFamily AsyncQueue { get; }

    public void Observe(string function, InvocationKind kind, int status, TimeSpan duration)
    {
        Invocations.WithLabels(function, kind == InvocationKind.Sync ? "sync" : "async", status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        Duration.WithLabels(function).Observe(duration.TotalSeconds);
    }
}
