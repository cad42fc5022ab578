using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// The deterministic names and labels of job runs. The container name is the claim of a slot: every scheduler on the
/// engine computes the same one, and the engine lets only one create it.
/// </summary>
internal static class JobRunNames
{
    /// <summary>Prefix of every job run's container.</summary>
    public const string Prefix = "sdock-cron-";

    /// <summary>Label: the job.</summary>
    public const string JobLabel = "io.sdock.cron.job";

    /// <summary>Label: the slot (SDOCK_SCHEDULED_TIME).</summary>
    public const string SlotLabel = "io.sdock.cron.slot";

    /// <summary>Label: the run id (SDOCK_RUN_ID).</summary>
    public const string RunLabel = "io.sdock.cron.run";

    /// <summary>Label: the attempt (SDOCK_ATTEMPT).</summary>
    public const string AttemptLabel = "io.sdock.cron.attempt";

    // 63 (the engine's limit) - prefix - "-yyyyMMddTHHmmssZ" - "-m-a100".
    private const int MaxJobPart = 63 - 11 - 17 - 7;

    /// <summary>
    /// <c>sdock-cron-JOB-yyyyMMddTHHmmssZ</c>, with <c>-m</c> for a run-now and <c>-aN</c> for a retry; a long job name
    /// is cut and hashed.
    /// </summary>
    public static string RunName(string job, DateTimeOffset slot, int attempt, bool manual = false)
    {
        var jobPart = job.Length <= MaxJobPart ? job : job[..(MaxJobPart - 11)] + "-" + Hash(job);
        var name = Prefix + jobPart + "-" + SlotFormat.Compact(slot) + (manual ? "-m" : "");
        return attempt > 1 ? name + "-a" + attempt.ToString(CultureInfo.InvariantCulture) : name;
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];
}
