using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Tests;

public sealed class MetricRegistryTests
{
    [Fact(Timeout = 10000)]
    public void Export_CounterGaugeHistogram_PrometheusTextFormat()
    {
        var registry = new MetricRegistry();
        var counter = registry.Add(new GaugeFamily("calls_total", "Calls.", ["function", "status"], "counter"));
        var gauge = registry.Add(new GaugeFamily("in_flight", "Running.", []));
        var histogram = registry.Add(new HistogramFamily("duration_seconds", "Time.", ["function"], [0.1, 1]));
        counter.WithLabels("f\"x", "200").Inc();
        counter.WithLabels("f\"x", "200").Inc();
        gauge.Set(3);
        histogram.WithLabels("f").Observe(0.05);
        histogram.WithLabels("f").Observe(0.5);
        histogram.WithLabels("f").Observe(5);

        var text = registry.Export();

        Assert.Contains("# TYPE calls_total counter\ncalls_total{function=\"f\\\"x\",status=\"200\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE in_flight gauge\nin_flight 3\n", text, StringComparison.Ordinal);
        Assert.Contains("duration_seconds_bucket{function=\"f\",le=\"0.1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("duration_seconds_bucket{function=\"f\",le=\"1\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("duration_seconds_bucket{function=\"f\",le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("duration_seconds_sum{function=\"f\"} 5.55\n", text, StringComparison.Ordinal);
        Assert.Contains("duration_seconds_count{function=\"f\"} 3\n", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public void WithLabels_WrongArity_Throws() =>
        Assert.Throws<ArgumentException>(() => new GaugeFamily("g", "h", ["a"]).WithLabels("1", "2"));
}
