using Microsoft.Data.Sqlite;
using ServerlessDocker.Gateway.Configuration;

// As in CallStore: the async disposal of SQLite objects completes synchronously; every other await says false.
#pragma warning disable CA2007

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// Jobs' state and history in the gateway's SQLite store (the <c>gateway: store:</c> file, beside the async calls):
/// per job the last processed slot (the watermark) and the schedule it was computed with; per slot, its runs and the
/// ranges of slots that were missed or skipped.
/// </summary>
internal sealed class JobStore
{
    private readonly string _connectionString;

    public JobStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>Creates the tables; runs left "running" by a gateway that died are recorded as cancelled.</summary>
    public async Task InitializeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS cron_jobs (job TEXT PRIMARY KEY, watermark INTEGER NOT NULL, fingerprint TEXT NOT NULL, suspended INTEGER);
            CREATE TABLE IF NOT EXISTS cron_runs (
              id TEXT PRIMARY KEY, job TEXT NOT NULL, slot INTEGER NOT NULL, slot_to INTEGER, slot_count INTEGER NOT NULL,
              attempt INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT, run_name TEXT,
              started_at INTEGER, finished_at INTEGER, exit_code INTEGER, stdout_tail TEXT, stderr_tail TEXT, recorded_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS cron_runs_job ON cron_runs(job, slot);
            UPDATE cron_runs SET status = 'cancelled', finished_at = $now,
              reason = $interrupted WHERE status = 'running';
            """;
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$interrupted", InterruptedReason);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The reason of runs a dead gateway left "running" (until a restarted scheduler adopts them).</summary>
    public const string InterruptedReason = "the gateway stopped while it ran";

    /// <summary>
    /// The job's watermark and the schedule fingerprint it belongs to (nulls for a job never seen), and the admin's
    /// suspend or resume (null when none overrides the config).
    /// </summary>
    public async Task<(DateTimeOffset? Watermark, string? Fingerprint, bool? Suspended)> GetStateAsync(string job, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT watermark, fingerprint, suspended FROM cron_jobs WHERE job = $job";
        cmd.Parameters.AddWithValue("$job", job);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2) != 0)
            : (null, null, null);
    }

    /// <summary>Persists an admin's suspend (true) or resume (false) of a job seen before.</summary>
    public async Task SaveSuspendedAsync(string job, bool suspended, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "UPDATE cron_jobs SET suspended = $s WHERE job = $job";
        cmd.Parameters.AddWithValue("$job", job);
        cmd.Parameters.AddWithValue("$s", suspended ? 1 : 0);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Persists the last processed slot.</summary>
    public async Task SaveStateAsync(string job, DateTimeOffset watermark, string fingerprint, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO cron_jobs (job, watermark, fingerprint) VALUES ($job, $w, $f)
            ON CONFLICT(job) DO UPDATE SET watermark = excluded.watermark, fingerprint = excluded.fingerprint
            """;
        cmd.Parameters.AddWithValue("$job", job);
        cmd.Parameters.AddWithValue("$w", watermark.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$f", fingerprint);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts or replaces one history entry.</summary>
    public async Task SaveRunAsync(JobRunRecord run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO cron_runs (id, job, slot, slot_to, slot_count, attempt, status, reason, run_name,
              started_at, finished_at, exit_code, stdout_tail, stderr_tail, recorded_at)
            VALUES ($id, $job, $slot, $to, $count, $attempt, $status, $reason, $name, $started, $finished, $exit, $out, $err, $now)
            """;
        cmd.Parameters.AddWithValue("$id", run.Id);
        cmd.Parameters.AddWithValue("$job", run.Job);
        cmd.Parameters.AddWithValue("$slot", run.Slot.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$to", (object?)run.SlotTo?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$count", run.SlotCount);
        cmd.Parameters.AddWithValue("$attempt", run.Attempt);
        cmd.Parameters.AddWithValue("$status", StatusText(run.Status));
        cmd.Parameters.AddWithValue("$reason", (object?)run.Reason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$name", (object?)run.RunName ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$started", (object?)run.StartedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$finished", (object?)run.FinishedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$exit", (object?)run.ExitCode ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$out", (object?)run.StdoutTail ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$err", (object?)run.StderrTail ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One history entry by id, or null.</summary>
    public async Task<JobRunRecord?> GetRunAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT * FROM cron_runs WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(r) : null;
    }

    /// <summary>The job's history, newest slot first.</summary>
    public async Task<IReadOnlyList<JobRunRecord>> HistoryAsync(string job, int limit, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT * FROM cron_runs WHERE job = $job ORDER BY slot DESC, attempt DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$job", job);
        cmd.Parameters.AddWithValue("$limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<JobRunRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(r));
        }

        return list;
    }

    /// <summary>Applies the job's history policy: succeeded and other entries kept by count, and none older than maxAge.</summary>
    public async Task PruneAsync(string job, JobHistoryPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = """
            DELETE FROM cron_runs WHERE job = $job AND status <> 'running' AND (
              recorded_at < $oldest
              OR (status = 'succeeded' AND id NOT IN (SELECT id FROM cron_runs WHERE job = $job AND status = 'succeeded' ORDER BY slot DESC, attempt DESC LIMIT $ok))
              OR (status NOT IN ('succeeded', 'running') AND id NOT IN (SELECT id FROM cron_runs WHERE job = $job AND status NOT IN ('succeeded', 'running') ORDER BY slot DESC, attempt DESC LIMIT $bad)))
            """;
        cmd.Parameters.AddWithValue("$job", job);
        cmd.Parameters.AddWithValue("$oldest", (now - policy.MaxAge).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$ok", policy.Succeeded);
        cmd.Parameters.AddWithValue("$bad", policy.Failed);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string StatusText(JobRunStatus status) => status switch
    {
        JobRunStatus.TimedOut => "timed-out",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static JobRunStatus ParseStatus(string text) =>
        text == "timed-out" ? JobRunStatus.TimedOut : Enum.Parse<JobRunStatus>(text, ignoreCase: true);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var db = new SqliteConnection(_connectionString);
        await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        return db;
    }

    private static JobRunRecord Read(SqliteDataReader r)
    {
        DateTimeOffset? Time(string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal(c)));
        string? Str(string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : r.GetString(r.GetOrdinal(c));
        return new JobRunRecord
        {
            Id = r.GetString(r.GetOrdinal("id")),
            Job = r.GetString(r.GetOrdinal("job")),
            Slot = Time("slot")!.Value,
            SlotTo = Time("slot_to"),
            SlotCount = r.GetInt64(r.GetOrdinal("slot_count")),
            Attempt = (int)r.GetInt64(r.GetOrdinal("attempt")),
            Status = ParseStatus(r.GetString(r.GetOrdinal("status"))),
            Reason = Str("reason"),
            RunName = Str("run_name"),
            StartedAt = Time("started_at"),
            FinishedAt = Time("finished_at"),
            ExitCode = r.IsDBNull(r.GetOrdinal("exit_code")) ? null : r.GetInt64(r.GetOrdinal("exit_code")),
            StdoutTail = Str("stdout_tail"),
            StderrTail = Str("stderr_tail"),
        };
    }
}
