using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>
/// Drives <see cref="JobPlanner"/> the way the scheduler does, on a <see cref="FakeTimeProvider"/>: each tick plans from
/// the persisted watermark, starts runs that last <c>runDuration</c>, stops replaced ones, and records everything.
/// </summary>
internal sealed class PlannerSimulation
{
    private readonly TimeSpan _runDuration;

    public PlannerSimulation(JobDefinition job, DateTimeOffset start, DateTimeOffset watermark, TimeSpan? runDuration = null)
    {
        Job = job;
        Time = new FakeTimeProvider(start);
        Watermark = watermark;
        _runDuration = runDuration ?? TimeSpan.FromSeconds(1);
    }

    public JobDefinition Job { get; set; }

    public FakeTimeProvider Time { get; }

    public DateTimeOffset Watermark { get; set; }

    public List<SimRun> Runs { get; } = [];

    public List<DroppedSlots> Dropped { get; } = [];

    public int MaxConcurrent { get; private set; }

    public JobPlan? LastPlan { get; private set; }

    public IEnumerable<DateTimeOffset> StartedSlots => Runs.Select(r => r.Slot);

    public JobPlan Tick()
    {
        var now = Time.GetUtcNow();
        var active = Runs.Where(r => r.EndsAt > now).Select(r => new ActiveRun(r.Slot, r.Id)).ToList();
        var plan = JobPlanner.Plan(Job, Watermark, now, active);
        Assert.True(plan.Watermark >= Watermark, "the watermark never goes back");
        Watermark = plan.Watermark;
        Dropped.AddRange(plan.Dropped);
        foreach (var replaced in plan.Replace)
        {
            var run = Runs.Single(r => r.Id == replaced.RunId);
            if (!run.Replaced)
            {
                // Stopping takes a second; the new slot must wait for it.
                run.Replaced = true;
                run.EndsAt = now + TimeSpan.FromSeconds(1);
            }
        }

        foreach (var slot in plan.Start)
        {
            Assert.DoesNotContain(slot, StartedSlots);
            Runs.Add(new SimRun(slot, now, now + _runDuration) { Id = "run-" + Runs.Count });
        }

        MaxConcurrent = Math.Max(MaxConcurrent, Runs.Count(r => r.StartedAt <= now && r.EndsAt > now));
        LastPlan = plan;
        return plan;
    }

    /// <summary>Ticks every <paramref name="step"/> until <paramref name="until"/> (inclusive).</summary>
    public void RunUntil(DateTimeOffset until, TimeSpan step)
    {
        while (Time.GetUtcNow() <= until)
        {
            Tick();
            Time.Advance(step);
        }
    }

    public long DroppedCount(JobRunStatus status) => Dropped.Where(d => d.Status == status).Sum(d => d.Count);

    internal sealed record SimRun(DateTimeOffset Slot, DateTimeOffset StartedAt, DateTimeOffset EndsAt)
    {
        public required string Id { get; init; }

        public DateTimeOffset EndsAt { get; set; } = EndsAt;

        public bool Replaced { get; set; }
    }
}
