using Prometheus;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>The cron trigger's Prometheus metrics, in the gateway's registry (served at <c>/metrics</c>).</summary>
internal sealed class JobMetrics
{
    private readonly Counter _runs;
    private readonly Histogram _duration;
    private readonly Histogram _skew;
    private readonly Counter _dropped;

    public JobMetrics(GatewayMetrics gateway)
    {
        var factory = Metrics.WithCustomRegistry(gateway.Registry);
        _runs = factory.CreateCounter("sdock_cron_runs_total", "Job runs (attempts) by job and status.", ["job", "status"]);
        _duration = factory.CreateHistogram("sdock_cron_run_duration_seconds", "Wall time of job runs.", ["job"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.1, 2, 14) });
        _skew = factory.CreateHistogram("sdock_cron_schedule_skew_seconds", "Start minus scheduled time of job runs.", ["job"],
            new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _dropped = factory.CreateCounter("sdock_cron_slots_not_run_total", "Slots recorded as missed or skipped, by job and status.", ["job", "status"]);
    }

    public void Finished(string job, JobRunStatus status, TimeSpan duration)
    {
        _runs.WithLabels(job, JobStore.StatusText(status)).Inc();
        _duration.WithLabels(job).Observe(duration.TotalSeconds);
    }

    public void Skew(string job, TimeSpan skew) => _skew.WithLabels(job).Observe(Math.Max(0, skew.TotalSeconds));

    public void Dropped(string job, JobRunStatus status, long count) =>
        _dropped.WithLabels(job, JobStore.StatusText(status)).Inc(count);

}
