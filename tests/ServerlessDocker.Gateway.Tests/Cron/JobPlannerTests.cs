using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Triggers.Cron;
using static ServerlessDocker.Gateway.Tests.Cron.CronTestData;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>The planner on a fake clock: clock behaviour (§7 D), downtime (§7 E), concurrency (§7 F) and restarts in a DST overlap (§7 C 17).</summary>
public sealed class JobPlannerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    // --- D. Clock behaviour ---

    [Fact]
    public void TimerFiringEarlyRunsTheSlotOnceWithItsScheduledTime()
    {
        var sim = new PlannerSimulation(Job("*/10 * * * *"), Utc("2026-03-02T08:49:59.999Z"), Utc("2026-03-02T08:40:00Z"));
        var early = sim.Tick();
        Assert.Empty(early.Start);
        Assert.Equal(Utc("2026-03-02T08:50:00Z"), early.NextDue);

        sim.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([Utc("2026-03-02T08:50:00Z")], sim.Tick().Start);

        // The same timer firing again, and a later tick, find the slot processed.
        Assert.Empty(sim.Tick().Start);
        sim.Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Empty(sim.Tick().Start);
        Assert.Single(sim.Runs);
    }

    [Theory]
    [InlineData(MisfirePolicy.Skip, 0, 12)]
    [InlineData(MisfirePolicy.RunOnce, 1, 11)]
    [InlineData(MisfirePolicy.RunAll, 5, 7)]
    public void ForwardJumpFollowsTheMisfirePolicyWithoutABurst(MisfirePolicy misfire, int runs, int missed)
    {
        var sim = new PlannerSimulation(Job("*/15 * * * *", misfire: misfire, maxCatchUp: 5), Utc("2026-03-02T09:05:00Z"), Utc("2026-03-02T09:00:00Z"));
        Assert.Empty(sim.Tick().Start);

        // NTP step +3 h: 09:15 ... 12:00 (12 slots) are due at once.
        sim.Time.Advance(TimeSpan.FromHours(3));
        var plan = sim.Tick();
        Assert.Equal(runs, plan.Start.Count);
        Assert.Equal(missed, sim.DroppedCount(JobRunStatus.Missed));
        if (runs > 0)
        {
            Assert.Equal(Utc("2026-03-02T12:00:00Z"), plan.Start[^1]);
        }

        Assert.Equal(Utc("2026-03-02T12:00:00Z"), plan.Watermark);
    }

    [Fact]
    public void BackwardJumpRunsNothingTwice()
    {
        var job = Job("*/15 * * * *");
        var watermark = Utc("2026-03-02T10:00:00Z");

        // The clock is stepped back an hour right after the 10:00 run: from 09:00 to 10:14 nothing is due.
        for (var now = Utc("2026-03-02T09:00:00Z"); now < Utc("2026-03-02T10:15:00Z"); now += Minute)
        {
            var plan = JobPlanner.Plan(job, watermark, now, []);
            Assert.Empty(plan.Start);
            Assert.Empty(plan.Dropped);
            Assert.Equal(watermark, plan.Watermark);
            Assert.Equal(Utc("2026-03-02T10:15:00Z"), plan.NextDue);
        }

        Assert.Equal([Utc("2026-03-02T10:15:00Z")], JobPlanner.Plan(job, watermark, Utc("2026-03-02T10:15:00Z"), []).Start);
    }

    [Theory]
    [InlineData("2026-03-09T04:00:00Z", "2026-03-08T05:00:00Z", 1380)] // New York spring day
    [InlineData("2026-11-02T05:00:00Z", "2026-11-01T04:00:00Z", 1500)] // New York autumn day
    [InlineData("2026-03-10T04:00:00Z", "2026-03-09T04:00:00Z", 1440)] // an ordinary day
    public void EveryMinuteOnDstDaysRunsOncePerRealMinute(string localMidnightAfter, string localMidnight, int expected)
    {
        Premise("America/New_York", "2026-03-08T06:59:00Z", "-05:00");
        Premise("America/New_York", "2026-03-08T07:00:00Z", "-04:00");
        Premise("America/New_York", "2026-11-01T05:59:00Z", "-04:00");
        Premise("America/New_York", "2026-11-01T06:00:00Z", "-05:00");
        var start = Utc(localMidnight);
        var sim = new PlannerSimulation(Job("* * * * *", zone: "America/New_York"), start, start - TimeSpan.FromTicks(1));
        sim.RunUntil(Utc(localMidnightAfter) - Minute, Minute);
        Assert.Equal(expected, sim.Runs.Count);
        Assert.All(sim.Runs, r => Assert.Equal(r.Slot, r.StartedAt));
    }

    // --- E. Missed schedules and downtime ---

    [Fact]
    public void DowntimeWithoutDeadlineRunsTheNewestSlotOnceAndRecordsTheRestAsMissed()
    {
        var plan = JobPlanner.Plan(Job("* * * * *"), Utc("2026-03-02T08:29:00Z"), Utc("2026-03-02T10:21:00Z"), []);
        Assert.Equal([Utc("2026-03-02T10:21:00Z")], plan.Start);
        var missed = Assert.Single(plan.Dropped);
        Assert.Equal(JobRunStatus.Missed, missed.Status);
        Assert.Equal(111, missed.Count); // 08:30 ... 10:20
        Assert.Equal(Utc("2026-03-02T08:30:00Z"), missed.First);
        Assert.Equal(Utc("2026-03-02T10:20:00Z"), missed.Last);
    }

    [Fact]
    public void StartingDeadlineBoundsTheCatchUp()
    {
        // Restart 30 s after the 10:21 slot, deadline 200 s: 10:21 runs late; 10:19–10:20 are covered; older ones missed.
        var within = JobPlanner.Plan(Job("* * * * *", deadline: TimeSpan.FromSeconds(200)), Utc("2026-03-02T08:29:00Z"), Utc("2026-03-02T10:21:30Z"), []);
        Assert.Equal([Utc("2026-03-02T10:21:00Z")], within.Start);
        Assert.Equal(111, within.Dropped.Sum(d => d.Count));
        Assert.Contains(within.Dropped, d => d.Reason.Contains("startingDeadline", StringComparison.Ordinal) && d.Last == Utc("2026-03-02T10:18:00Z"));
        Assert.Contains(within.Dropped, d => d.Reason.Contains("covered by slot 2026-03-02T10:21:00Z", StringComparison.Ordinal) && d.Count == 2);

        // Restart 45 s after it with a 30 s deadline: 10:21 is missed too, and 10:22 runs on time.
        var sim = new PlannerSimulation(Job("* * * * *", deadline: TimeSpan.FromSeconds(30)), Utc("2026-03-02T10:21:45Z"), Utc("2026-03-02T08:29:00Z"));
        Assert.Empty(sim.Tick().Start);
        Assert.Equal(112, sim.DroppedCount(JobRunStatus.Missed));
        sim.RunUntil(Utc("2026-03-02T10:22:00Z"), Second);
        Assert.Equal([Utc("2026-03-02T10:22:00Z")], sim.StartedSlots);
    }

    [Fact]
    public void DeadlineShorterThanTheTickStillRunsOnTime()
    {
        var sim = new PlannerSimulation(Job("* * * * *", deadline: TimeSpan.FromSeconds(5)), Utc("2026-03-02T10:00:00.5Z"), Utc("2026-03-02T10:00:00Z"));
        sim.RunUntil(Utc("2026-03-02T10:05:00.5Z"), Second);
        Assert.Equal(5, sim.Runs.Count);
        Assert.All(sim.Runs, r => Assert.True(r.StartedAt - r.Slot < Second));
        Assert.Empty(sim.Dropped);
    }

    [Theory]
    [InlineData(MisfirePolicy.Skip, null, false)]
    [InlineData(MisfirePolicy.RunOnce, 6, true)]
    [InlineData(MisfirePolicy.RunOnce, 1, false)]
    public void DailyJobDownAcrossItsTime(MisfirePolicy misfire, int? graceHours, bool runsNow)
    {
        var job = Job("0 3 * * *", misfire: misfire, deadline: graceHours is { } h ? TimeSpan.FromHours(h) : null);
        var plan = JobPlanner.Plan(job, Utc("2026-03-01T03:00:00Z"), Utc("2026-03-02T06:00:00Z"), []);
        Assert.Equal(runsNow ? [Utc("2026-03-02T03:00:00Z")] : [], plan.Start);
        if (!runsNow)
        {
            Assert.Equal(Utc("2026-03-02T03:00:00Z"), Assert.Single(plan.Dropped).First);
        }

        Assert.Equal(Utc("2026-03-03T03:00:00Z"), plan.NextDue);
    }

    [Fact]
    public void ResumeAfterSuspendRunsOneCatchUp()
    {
        var sim = new PlannerSimulation(Job("* * * * *", suspend: true), Utc("2026-03-02T10:00:30Z"), Utc("2026-03-02T10:00:00Z"));
        sim.RunUntil(Utc("2026-03-02T12:00:30Z"), Minute);
        Assert.Empty(sim.Runs);
        Assert.Empty(sim.Dropped);

        sim.Job = sim.Job with { Suspend = false };
        var plan = sim.Tick();
        Assert.Equal([Utc("2026-03-02T12:01:00Z")], plan.Start);
        Assert.Equal(120, sim.DroppedCount(JobRunStatus.Missed));
    }

    [Fact]
    public void ResumeWithRunAllRunsExactlyMaxCatchUp()
    {
        var sim = new PlannerSimulation(Job("* * * * *", suspend: true, misfire: MisfirePolicy.RunAll, maxCatchUp: 100), Utc("2026-03-02T10:00:30Z"), Utc("2026-03-02T10:00:00Z"));
        sim.RunUntil(Utc("2026-03-02T12:00:30Z"), Minute);
        sim.Job = sim.Job with { Suspend = false };
        var plan = sim.Tick();
        Assert.Equal(100, plan.Start.Count);
        Assert.Equal(Utc("2026-03-02T10:22:00Z"), plan.Start[0]);
        Assert.Equal(Utc("2026-03-02T12:01:00Z"), plan.Start[^1]);
        Assert.Equal(21, sim.DroppedCount(JobRunStatus.Missed));
    }

    [Fact]
    public void ResumeWithRunAllUnderForbidRunsOneAtATime()
    {
        var job = Job("* * * * *", suspend: true, misfire: MisfirePolicy.RunAll, maxCatchUp: 5, concurrency: JobConcurrency.Forbid);
        var sim = new PlannerSimulation(job, Utc("2026-03-02T10:00:30Z"), Utc("2026-03-02T10:00:00Z"), runDuration: TimeSpan.FromSeconds(5));
        sim.RunUntil(Utc("2026-03-02T11:00:30Z"), Minute);
        sim.Job = sim.Job with { Suspend = false };
        sim.RunUntil(Utc("2026-03-02T11:01:59Z"), Second);
        Assert.Equal(1, sim.MaxConcurrent);
        Assert.Equal(5, sim.Runs.Count); // the catch-up, one after the other
        Assert.Equal(Utc("2026-03-02T10:57:00Z"), sim.Runs[0].Slot);
    }

    [Fact]
    public void EditedScheduleDoesNotRunTheOldSchedulesMissedSlots()
    {
        var old = Job("*/10 * * * *");
        var edited = Job("* * * * *");
        var persisted = Utc("2026-03-02T08:00:00Z");
        var now = Utc("2026-03-02T10:00:30Z");
        Assert.Equal(persisted, JobPlanner.StartingWatermark(old, persisted, old.Schedule.Fingerprint, now));
        var watermark = JobPlanner.StartingWatermark(edited, persisted, old.Schedule.Fingerprint, now);
        Assert.Equal(now, watermark);
        var plan = JobPlanner.Plan(edited, watermark, now, []);
        Assert.Empty(plan.Start);
        Assert.Empty(plan.Dropped);
        Assert.Equal(Utc("2026-03-02T10:01:00Z"), plan.NextDue);

        // A job seen for the first time does not run slots from before it existed.
        Assert.Equal(now, JobPlanner.StartingWatermark(edited, null, null, now));
    }

    // --- F. Concurrency ---

    [Fact]
    public void ForbidWithoutDeadlineStartsBlockedSlotsLateAndSupersedesOlderOnes()
    {
        var sim = new PlannerSimulation(Job("* * * * *", concurrency: JobConcurrency.Forbid), Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T09:59:59Z"), TimeSpan.FromSeconds(90));
        sim.RunUntil(Utc("2026-03-02T10:03:00Z"), Second);
        Assert.Equal(
            [(Utc("2026-03-02T10:00:00Z"), 0.0), (Utc("2026-03-02T10:01:00Z"), 90), (Utc("2026-03-02T10:03:00Z"), 180)],
            sim.Runs.Select(r => (r.Slot, (r.StartedAt - Utc("2026-03-02T10:00:00Z")).TotalSeconds)));
        Assert.Contains(sim.Dropped, d => d.First == Utc("2026-03-02T10:02:00Z"));
        Assert.Equal(1, sim.MaxConcurrent);
    }

    [Fact]
    public void ForbidWithDeadlineRunsEveryOtherSlotOnTime()
    {
        var sim = new PlannerSimulation(Job("* * * * *", concurrency: JobConcurrency.Forbid, deadline: TimeSpan.FromSeconds(20)), Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T09:59:59Z"), TimeSpan.FromSeconds(90));
        sim.RunUntil(Utc("2026-03-02T10:04:30Z"), Second);
        Assert.Equal([Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T10:02:00Z"), Utc("2026-03-02T10:04:00Z")], sim.StartedSlots);
        Assert.All(sim.Runs, r => Assert.Equal(r.Slot, r.StartedAt));
        var skipped = sim.Dropped.Where(d => d.Status == JobRunStatus.Skipped).Select(d => d.First);
        Assert.Equal([Utc("2026-03-02T10:01:00Z"), Utc("2026-03-02T10:03:00Z")], skipped);
        Assert.All(sim.Dropped, d => Assert.Contains("concurrency: forbid", d.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void ForbidWithSkipNeverStartsLate()
    {
        var sim = new PlannerSimulation(Job("* * * * *", concurrency: JobConcurrency.Forbid, misfire: MisfirePolicy.Skip), Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T09:59:59Z"), TimeSpan.FromSeconds(90));
        sim.RunUntil(Utc("2026-03-02T10:04:30Z"), Second);
        Assert.Equal([Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T10:02:00Z"), Utc("2026-03-02T10:04:00Z")], sim.StartedSlots);
        Assert.All(sim.Runs, r => Assert.Equal(r.Slot, r.StartedAt));
        Assert.Equal(2, sim.DroppedCount(JobRunStatus.Skipped));
    }

    [Fact]
    public void ForbidOnASecondScheduleStartsOnlyTheNewestWhenTheRunEnds()
    {
        // 2.5 s runs every second: when a run ends two or three slots are due, all on time; only the newest starts.
        var sim = new PlannerSimulation(Job("@every 1s", concurrency: JobConcurrency.Forbid, misfire: MisfirePolicy.Skip), Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T09:59:59Z"), TimeSpan.FromSeconds(2.5));
        sim.RunUntil(Utc("2026-03-02T10:00:30Z"), TimeSpan.FromMilliseconds(250));
        Assert.Equal(1, sim.MaxConcurrent);
        Assert.InRange(sim.Runs.Count, 11, 13); // one every ~2.5 s
        Assert.All(sim.Runs.Zip(sim.Runs.Skip(1)), p => Assert.True(p.Second.StartedAt >= p.First.EndsAt));
        Assert.All(sim.Runs, r => Assert.True(r.StartedAt - r.Slot < TimeSpan.FromSeconds(1), $"slot {r.Slot:O} started at {r.StartedAt:O}"));
        Assert.Contains(sim.Dropped, d => d.Status == JobRunStatus.Skipped && d.Reason.Contains("superseded", StringComparison.Ordinal));
    }

    [Fact]
    public void ReplaceStopsTheOldRunAndStartsTheNewOneOnlyOnceItIsGone()
    {
        var sim = new PlannerSimulation(Job("* * * * *", concurrency: JobConcurrency.Replace), Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T09:59:59Z"), TimeSpan.FromSeconds(90));
        sim.RunUntil(Utc("2026-03-02T10:00:59Z"), Second);
        var replacing = sim.Tick();
        Assert.Empty(replacing.Start);
        Assert.Equal(sim.Runs[0].Id, Assert.Single(replacing.Replace).RunId);
        Assert.Equal([Utc("2026-03-02T10:01:00Z")], replacing.Waiting);

        sim.Time.Advance(Second);
        Assert.Equal([Utc("2026-03-02T10:01:00Z")], sim.Tick().Start);
        Assert.True(sim.Runs[0].Replaced);
        Assert.Equal(1, sim.MaxConcurrent);
    }

    [Fact]
    public void AllowLetsRunsOverlap()
    {
        var sim = new PlannerSimulation(Job("* * * * *"), Utc("2026-03-02T10:00:00Z"), Utc("2026-03-02T09:59:59Z"), TimeSpan.FromSeconds(90));
        sim.RunUntil(Utc("2026-03-02T10:02:00Z"), Second);
        Assert.Equal(3, sim.Runs.Count);
        Assert.All(sim.Runs, r => Assert.Equal(r.Slot, r.StartedAt));
        Assert.Equal(2, sim.MaxConcurrent);
    }

    // --- C 17. Restart inside a DST overlap ---

    [Fact]
    public void RestartInsideTheOverlapAfterTheRunDoesNotRunTheRepeatedHour()
    {
        Premise("Europe/Berlin", "2026-10-25T00:30:00Z", "+02:00");
        Premise("Europe/Berlin", "2026-10-25T01:30:00Z", "+01:00");
        var job = Job("0 2 * * 0", zone: "Europe/Berlin");
        var sim = new PlannerSimulation(job, Utc("2026-10-25T00:30:00Z"), Utc("2026-10-25T00:00:00Z"));
        sim.RunUntil(Utc("2026-10-25T03:00:00Z"), Minute);
        Assert.Empty(sim.Runs);
        Assert.Equal(Utc("2026-11-01T01:00:00Z"), sim.LastPlan!.NextDue);
    }

    [Fact]
    public void RestartInsideTheOverlapAfterMissingTheRunCatchesUpOnce()
    {
        Premise("Europe/Berlin", "2026-10-25T00:00:00Z", "+02:00");
        var job = Job("0 2 * * 0", zone: "Europe/Berlin", deadline: TimeSpan.FromHours(1));
        var sim = new PlannerSimulation(job, Utc("2026-10-25T00:30:00Z"), Utc("2026-10-18T00:00:00Z"));
        sim.RunUntil(Utc("2026-10-25T03:00:00Z"), Minute);
        var run = Assert.Single(sim.Runs);
        Assert.Equal(Utc("2026-10-25T00:00:00Z"), run.Slot);
        Assert.Equal(Utc("2026-10-25T00:30:00Z"), run.StartedAt);
    }
}
