using System.Globalization;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// The claims of a job's slots: on the local engine the exited run containers it leaves (container names are unique
/// per engine), on a Swarm a config named for the slot, made before its one-shot service (config names are unique per
/// cluster; the service is removed once its run is recorded, the config stays). A removed name can be claimed again,
/// so a claim stays as long as another scheduler could still try its slot: the newest <see cref="KeptClaims"/> per
/// job, and every claim of the last <see cref="MinClaimAge"/>; older ones are removed.
/// </summary>
internal sealed class JobClaims(DockerFunctions docker, SwarmBackendProvider swarm, TimeProvider time, ILogger<JobClaims> logger)
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

    /// <summary>
    /// Claims a slot of a <c>backend: swarm</c> job on the cluster before its service is created: true when this
    /// scheduler may run it, false when another one holds the name.
    /// </summary>
    public Task<bool> TryClaimOnSwarmAsync(string runName, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        swarm.Get().TryClaimAsync(runName, labels, cancellationToken);

    /// <summary>Removes the job's claims beyond what must stay; never throws (the next run tries again).</summary>
    public async Task ReleaseOldAsync(JobDefinition job)
    {
        if (!await _gate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            var now = time.GetUtcNow();
            if (job.Target.Backend == BackendKind.Swarm)
            {
                var backend = swarm.Get();
                var claims = (await backend.ListClaimsAsync(JobRunNames.JobLabel, job.Name).ConfigureAwait(false))
                    .Select(c => (c.Id, Slot: SlotOf(c.Labels, c.Created)));
                foreach (var (id, slot) in Expired(job, claims, now))
                {
                    await backend.ReleaseClaimAsync(id).ConfigureAwait(false);
                    logger.LogDebug("Job {Job}: released the Swarm claim of slot {Slot:O}", job.Name, slot);
                }

                return;
            }

            var exited = (await docker.ListAsync().ConfigureAwait(false))
                .Where(c => !c.Running && c.Labels.TryGetValue(JobRunNames.JobLabel, out var j) && j == job.Name)
                .Select(c => (c.Id, Slot: SlotOf(c.Labels, c.Created)));
            foreach (var (id, slot) in Expired(job, exited, now))
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

    /// <summary>The claims beyond the newest <see cref="KeptClaims"/> whose slot is older than <see cref="MinClaimAge"/>.</summary>
    internal static IEnumerable<(string Id, DateTimeOffset Slot)> Expired(JobDefinition job, IEnumerable<(string Id, DateTimeOffset Slot)> claims, DateTimeOffset now) =>
        claims.OrderByDescending(c => c.Slot).Skip(KeptClaims(job)).Where(c => now - c.Slot > MinClaimAge).ToList();

    private static DateTimeOffset SlotOf(IReadOnlyDictionary<string, string> labels, DateTimeOffset created) =>
        labels.TryGetValue(JobRunNames.SlotLabel, out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var slot) ? slot : created;
}
