using System.Globalization;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>A run of a job that has not finished yet.</summary>
/// <param name="Slot">The slot it serves.</param>
/// <param name="RunId">Its id (SDOCK_RUN_ID).</param>
internal sealed record ActiveRun(DateTimeOffset Slot, string RunId);

/// <summary>Slots that will not run, in one history entry: a contiguous range with one status and reason.</summary>
/// <param name="First">The oldest slot of the range.</param>
/// <param name="Last">The newest slot of the range.</param>
/// <param name="Count">How many slots (at least this many when <paramref name="AtLeast"/>).</param>
/// <param name="AtLeast">The range was too long to count whole.</param>
/// <param name="Status">Missed (late) or skipped (blocked by a running run or a newer slot).</param>
/// <param name="Reason">Why, for the history.</param>
internal sealed record DroppedSlots(DateTimeOffset First, DateTimeOffset Last, long Count, bool AtLeast, JobRunStatus Status, string Reason);

/// <summary>What the scheduler does for one job at one tick.</summary>
/// <param name="Start">Slots to start now, oldest first.</param>
/// <param name="Dropped">Slots recorded as missed or skipped, newest range first.</param>
/// <param name="Watermark">The newest slot processed (started or dropped): only later slots are due next time.</param>
/// <param name="Replace">Runs to stop first (concurrency: replace); the new slot starts once they are gone.</param>
/// <param name="Waiting">Due slots kept for later: blocked by a running run (forbid, replace) or queued behind a catch-up.</param>
/// <param name="NextDue">The next slot after now, for the scheduler's sleep; null when the schedule has none.</param>
internal sealed record JobPlan(
    IReadOnlyList<DateTimeOffset> Start,
    IReadOnlyList<DroppedSlots> Dropped,
    DateTimeOffset Watermark,
    IReadOnlyList<ActiveRun> Replace,
    IReadOnlyList<DateTimeOffset> Waiting,
    DateTimeOffset? NextDue);

/// <summary>
/// Decides, purely from the job, the last processed slot (persisted), the clock and the runs still going, which slots
/// start, which are recorded as missed or skipped, and what the concurrency policy does. No I/O: unit-tested with a fake clock.
/// </summary>
/// <remarks>
/// <para>Slots are always computed from the persisted watermark, never from "now": a timer that fires early finds no
/// due slot, one that fires twice finds the slot already processed, and a clock stepped back finds nothing to redo.</para>
/// <para>A due slot is <em>on time</em> when it is at most <see cref="MisfireThreshold"/> old; older slots are
/// <em>late</em> and follow the misfire policy. A slot older than <c>startingDeadline</c> never starts. The burst after
/// downtime is bounded: one run (runOnce), <c>maxCatchUp</c> runs (runAll) or none (skip).</para>
/// </remarks>
internal static class JobPlanner
{
    /// <summary>How late a slot may be seen and still count as on time (not a misfire).</summary>
    public static readonly TimeSpan MisfireThreshold = TimeSpan.FromSeconds(10);

    /// <summary>Most due slots looked at in one plan; older ones are counted as "at least".</summary>
    public const int EnumerationCap = 100_000;

    /// <summary>
    /// The watermark to plan from: the persisted one when the schedule is unchanged, else now (a new job does not run
    /// slots from before it existed, and an edited schedule does not run the old schedule's missed slots).
    /// </summary>
    public static DateTimeOffset StartingWatermark(JobDefinition job, DateTimeOffset? persisted, string? persistedFingerprint, DateTimeOffset now) =>
        persisted is { } watermark && persistedFingerprint == job.Schedule.Fingerprint ? watermark : now;

    /// <summary>Plans one tick.</summary>
    public static JobPlan Plan(JobDefinition job, DateTimeOffset watermark, DateTimeOffset now, IReadOnlyList<ActiveRun> active)
    {
        var nextDue = job.Schedule.Next(now > watermark ? now : watermark);
        if (job.Suspend)
        {
            // Suspended: nothing is processed, so on resume the misfire policy decides about the slots that passed.
            return new JobPlan([], [], watermark, [], [], nextDue);
        }

        var blocked = active.Count > 0 && job.Concurrency == JobConcurrency.Forbid;
        var blocker = active.Count > 0 ? active.MinBy(a => a.Slot)! : null;
        var kept = new List<DateTimeOffset>();
        var dropped = new List<(DateTimeOffset Slot, JobRunStatus Status, string Reason)>();
        DateTimeOffset? newestDue = null;
        var seen = 0;
        var truncated = false;
        foreach (var slot in job.Schedule.Descending(watermark, now))
        {
            newestDue ??= slot;
            if (++seen > EnumerationCap)
            {
                truncated = true;
                break;
            }

            var late = now - slot;
            if (job.StartingDeadline is { } deadline && late > deadline)
            {
                Drop(slot, JobRunStatus.Missed, $"not started within startingDeadline {Format(deadline)}");
            }
            else if (late <= MisfireThreshold)
            {
                kept.Add(slot);
            }
            else
            {
                switch (job.Misfire)
                {
                    case MisfirePolicy.Skip:
                        Drop(slot, JobRunStatus.Missed, "late (misfire: skip)");
                        break;
                    case MisfirePolicy.RunOnce when kept.Count == 0:
                    case MisfirePolicy.RunAll when kept.Count < job.MaxCatchUp:
                        kept.Add(slot);
                        break;
                    case MisfirePolicy.RunOnce:
                        Drop(slot, JobRunStatus.Missed, $"late; covered by slot {SlotFormat.Env(kept[0])} (misfire: runOnce)");
                        break;
                    default:
                        Drop(slot, JobRunStatus.Missed, $"late beyond maxCatchUp {job.MaxCatchUp} (misfire: runAll)");
                        break;
                }
            }
        }

        kept.Reverse();
        var start = new List<DateTimeOffset>();
        var waiting = new List<DateTimeOffset>();
        var replace = new List<ActiveRun>();
        switch (job.Concurrency)
        {
            case JobConcurrency.Allow:
                start.AddRange(kept);
                break;
            case JobConcurrency.Forbid when blocked:
                waiting.AddRange(kept);
                break;
            case JobConcurrency.Forbid when job.Misfire == MisfirePolicy.RunAll:
                // One at a time: a catch-up of several slots runs them one after the other.
                start.AddRange(kept.Take(1));
                waiting.AddRange(kept.Skip(1));
                break;
            case JobConcurrency.Forbid when kept.Count > 0:
                // Several slots due at once (the blocking run just ended): the newest runs, the older ones would only queue.
                foreach (var older in kept.Take(kept.Count - 1))
                {
                    Drop(older, JobRunStatus.Skipped, $"superseded by slot {SlotFormat.Env(kept[^1])} (concurrency: forbid)");
                }

                start.Add(kept[^1]);
                break;
            case JobConcurrency.Replace when kept.Count > 0:
                var newest = kept[^1];
                foreach (var older in kept.Take(kept.Count - 1))
                {
                    Drop(older, JobRunStatus.Skipped, $"superseded by slot {SlotFormat.Env(newest)} (concurrency: replace)");
                }

                if (active.Count > 0)
                {
                    replace.AddRange(active);
                    waiting.Add(newest);
                }
                else
                {
                    start.Add(newest);
                }

                break;
        }

        // Slots before the first still-waiting one are processed; a waiting slot stays due for the next tick.
        var processed = waiting.Count > 0
            ? dropped.Where(d => d.Slot < waiting[0]).Select(d => (DateTimeOffset?)d.Slot).DefaultIfEmpty(null).Max()
            : newestDue;
        var newWatermark = processed is { } p && p > watermark ? p : watermark;
        if (waiting.Count > 0 && start.Count > 0 && start[^1] > newWatermark)
        {
            newWatermark = start[^1];
        }

        return new JobPlan(start, Group(dropped, truncated), newWatermark, replace, waiting, nextDue);

        void Drop(DateTimeOffset slot, JobRunStatus status, string reason)
        {
            if (blocked)
            {
                status = JobRunStatus.Skipped;
                reason += $", while the run of slot {SlotFormat.Env(blocker!.Slot)} ran (concurrency: forbid)";
            }

            dropped.Add((slot, status, reason));
        }
    }

    private static List<DroppedSlots> Group(List<(DateTimeOffset Slot, JobRunStatus Status, string Reason)> dropped, bool truncated)
    {
        var groups = new List<DroppedSlots>();
        foreach (var (slot, status, reason) in dropped.OrderByDescending(d => d.Slot))
        {
            if (groups.Count > 0 && groups[^1] is var last && last.Status == status && last.Reason == reason)
            {
                groups[^1] = last with { First = slot, Count = last.Count + 1 };
            }
            else
            {
                groups.Add(new DroppedSlots(slot, slot, 1, false, status, reason));
            }
        }

        if (truncated && groups.Count > 0)
        {
            groups[^1] = groups[^1] with { AtLeast = true };
        }

        return groups;
    }

    private static string Format(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
