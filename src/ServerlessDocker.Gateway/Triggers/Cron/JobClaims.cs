using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// The exited run containers a job leaves on the engine as claims of their slots. A removed name can be claimed
/// again, so a claim stays as long as another scheduler could still try its slot: the newest
/// <see cref="KeptClaims"/> per job, and every claim of the last <see cref="MinClaimAge"/>; older ones are removed.
/// </summary>
internal sealed class JobClaims(DockerFunctions docker, TimeProvider time, ILogger<JobClaims> logger)
{
    /// <summary>Every claim younger than this stays, whatever the count (slots seen late by another scheduler).</summary>
    public static readonly TimeSpan MinClaimAge = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// How many claims of a job stay: the most slots any scheduler may still start (one, or maxCatchUp with runAll)
    /// plus the on-time slots within the misfire threshold (up to 11 for second-level schedules).
    /// </summary>
    public static int KeptClaims(JobDefinition job) =>
        (job.Misfire == MisfirePolicy.RunAll ? job.MaxCatchUp : 1) + (int)JobPlanner.MisfireThreshold.TotalSeconds + 2;

    /// <summary>Removes the job's claims beyond what must stay; never throws (the next run tries again).</summary>
    public async Task ReleaseOldAsync(JobDefinition job)
    {
        if (job.Target.Backend != BackendKind.Local || !await _gate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            var now = time.GetUtcNow();
            var exited = (await docker.ListAsync().ConfigureAwait(false))
                .Where(c => !c.Running && c.Labels.TryGetValue(JobRunNames.JobLabel, out var j) && j == job.Name)
                .Select(c => (c.Id, Slot: c.Labels.TryGetValue(JobRunNames.SlotLabel, out var s) && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var slot) ? slot : c.Created))
                .OrderByDescending(c => c.Slot)
                .ToList();
            foreach (var (id, slot) in exited.Skip(KeptClaims(job)).Where(c => now - c.Slot > MinClaimAge))
            {
                var run = await docker.GetRunAsync(id).ConfigureAwait(false);
                await run.DisposeAsync().ConfigureAwait(false);
                logger.LogDebug("Job {Job}: released the claim of slot {Slot:O}", job.Name, slot);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Job {Job}: could not release old claims; trying again after the next run", job.Name);
        }
        finally
        {
            _gate.Release();
        }
    }
}
