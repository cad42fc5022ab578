using Prometheus;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Observability;

/// <summary>
/// Prometheus metrics of one gateway (prometheus-net), in its own <see cref="CollectorRegistry"/>: the static default
/// registry would mix the counters of several gateways in one process, as in tests.
/// </summary>
internal sealed class GatewayMetrics
{
    public GatewayMetrics(FunctionConcurrency concurrency)
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        Invocations = factory.CreateCounter("sdock_gateway_invocations_total", "Function calls by function, kind and HTTP status.", ["function", "kind", "status"]);
        Duration = factory.CreateHistogram("sdock_gateway_invocation_duration_seconds", "Wall time of function calls (container create to removal).", ["function"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 12) });
        InFlight = factory.CreateGauge("sdock_gateway_in_flight", "Calls running now.", ["function"]);
        QueueLength = factory.CreateGauge("sdock_gateway_queue_length", "Calls waiting for a concurrency slot.", ["function"]);
        AsyncQueue = factory.CreateGauge("sdock_gateway_async_pending", "Asynchronous calls accepted but not finished.");

        // The queue length lives in the concurrency limiters; read it at scrape time rather than tracking every change.
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (function, queued, _) in concurrency.Snapshot())
            {
                QueueLength.WithLabels(function).Set(queued);
            }
        });
    }

    /// <summary>This gateway's registry, served at <c>/metrics</c>.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter Invocations { get; }

    public Histogram Duration { get; }

    public Gauge InFlight { get; }

    public Gauge QueueLength { get; }

    public Gauge AsyncQueue { get; }

    public void Observe(string function, InvocationKind kind, int status, TimeSpan duration)
    {
        Invocations.WithLabels(function, kind.ToString().ToLowerInvariant(), status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        Duration.WithLabels(function).Observe(duration.TotalSeconds);
    }
}
