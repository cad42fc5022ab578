namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// Decides which failures of a job are reported: the first, any that differs from the last reported one (status, exit
/// code, reason), and an identical one once the cooldown since the last report has passed (with the count of those
/// held back meanwhile). A success ends the incident: the next failure is reported at once. Kept in memory.
/// </summary>
internal sealed class JobFailureCooldown(TimeProvider time)
{
    private readonly Dictionary<string, Entry> _last = new(StringComparer.Ordinal);

    /// <summary>The failure's identity: runs failing the same way are one incident.</summary>
    public static string Fingerprint(JobRunRecord run) => $"{JobStore.StatusText(run.Status)}|{run.ExitCode}|{run.Reason}";

    /// <summary>Null when the failure is held back; else how many identical ones were held back since the last report.</summary>
    public long? Admit(string job, string fingerprint, TimeSpan cooldown)
    {
        var now = time.GetUtcNow();
        lock (_last)
        {
            if (_last.TryGetValue(job, out var last) && last.Fingerprint == fingerprint && now - last.SentAt < cooldown)
            {
                last.Suppressed++;
                return null;
            }

            var suppressed = last is not null && last.Fingerprint == fingerprint ? last.Suppressed : 0;
            _last[job] = new Entry(fingerprint, now);
            return suppressed;
        }
    }

    /// <summary>The job succeeded: its incident is over.</summary>
    public void Reset(string job)
    {
        lock (_last)
        {
            _last.Remove(job);
        }
    }

    private sealed class Entry(string fingerprint, DateTimeOffset sentAt)
    {
        public string Fingerprint { get; } = fingerprint;

        public DateTimeOffset SentAt { get; } = sentAt;

        public long Suppressed { get; set; }
    }
}
