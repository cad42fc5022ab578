using System.Collections.Concurrent;
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
/// <remarks>
/// Writes are group-committed: each waits until it is durable, but the writes queued while one transaction commits go
/// together in the next, so a thousand jobs due at one second cost a few commits rather than a thousand.
/// </remarks>
internal sealed class JobStore
{
    private readonly string _connectionString;
    private readonly ConcurrentQueue<PendingWrite> _pending = new();
    private int _committing;

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
              started_at INTEGER, finished_at INTEGER, exit_code INTEGER, node TEXT, stdout_tail TEXT, stderr_tail TEXT, recorded_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS cron_runs_job ON cron_runs(job, slot);
            UPDATE cron_runs SET status = 'cancelled', finished_at = $now,
              reason = $interrupted WHERE status = 'running';
            """;
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$interrupted", InterruptedReason);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        // A store written before runs recorded their node gets the column.
        await using var columns = db.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('cron_runs') WHERE name = 'node'";
        if (Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await using var alter = db.CreateCommand();
            alter.CommandText = "ALTER TABLE cron_runs ADD COLUMN node TEXT";
            await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
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
    public Task SaveSuspendedAsync(string job, bool suspended, CancellationToken cancellationToken) =>
        WriteAsync("UPDATE cron_jobs SET suspended = $s WHERE job = $job", [new("$job", job), new("$s", suspended ? 1 : 0)], cancellationToken);

    /// <summary>Persists the last processed slot.</summary>
    public Task SaveStateAsync(string job, DateTimeOffset watermark, string fingerprint, CancellationToken cancellationToken) =>
        WriteAsync("""
            INSERT INTO cron_jobs (job, watermark, fingerprint) VALUES ($job, $w, $f)
            ON CONFLICT(job) DO UPDATE SET watermark = excluded.watermark, fingerprint = excluded.fingerprint
            """, [new("$job", job), new("$w", watermark.ToUnixTimeMilliseconds()), new("$f", fingerprint)], cancellationToken);

    /// <summary>Inserts or replaces one history entry.</summary>
    public Task SaveRunAsync(JobRunRecord run, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync("""
            INSERT OR REPLACE INTO cron_runs (id, job, slot, slot_to, slot_count, attempt, status, reason, run_name,
              started_at, finished_at, exit_code, node, stdout_tail, stderr_tail, recorded_at)
            VALUES ($id, $job, $slot, $to, $count, $attempt, $status, $reason, $name, $started, $finished, $exit, $node, $out, $err, $now)
            """,
            [
                new("$id", run.Id), new("$job", run.Job), new("$slot", run.Slot.ToUnixTimeMilliseconds()),
                new("$to", run.SlotTo?.ToUnixTimeMilliseconds()), new("$count", run.SlotCount), new("$attempt", run.Attempt),
                new("$status", StatusText(run.Status)), new("$reason", run.Reason), new("$name", run.RunName),
                new("$started", run.StartedAt?.ToUnixTimeMilliseconds()), new("$finished", run.FinishedAt?.ToUnixTimeMilliseconds()),
                new("$exit", run.ExitCode), new("$node", run.Node), new("$out", run.StdoutTail), new("$err", run.StderrTail),
                new("$now", now.ToUnixTimeMilliseconds()),
            ],
            cancellationToken);

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
    public Task PruneAsync(string job, JobHistoryPolicy policy, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync("""
            DELETE FROM cron_runs WHERE job = $job AND status <> 'running' AND (
              recorded_at < $oldest
              OR (status = 'succeeded' AND id NOT IN (SELECT id FROM cron_runs WHERE job = $job AND status = 'succeeded' ORDER BY slot DESC, attempt DESC LIMIT $ok))
              OR (status NOT IN ('succeeded', 'running') AND id NOT IN (SELECT id FROM cron_runs WHERE job = $job AND status NOT IN ('succeeded', 'running') ORDER BY slot DESC, attempt DESC LIMIT $bad)))
            """,
            [new("$job", job), new("$oldest", (now - policy.MaxAge).ToUnixTimeMilliseconds()), new("$ok", policy.Succeeded), new("$bad", policy.Failed)],
            cancellationToken);

    /// <summary>
    /// Queues one statement and returns when it is committed. One committer at a time takes everything queued so far
    /// into one transaction, and goes on while more is queued; a caller never waits behind other callers, only for its
    /// commit. A cancelled wait leaves the write queued: it is committed all the same.
    /// </summary>
    private Task WriteAsync(string sql, KeyValuePair<string, object?>[] parameters, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(sql, parameters);
        _pending.Enqueue(write);
        if (Interlocked.CompareExchange(ref _committing, 1, 0) == 0)
        {
            // Off the caller's thread: SQLite's calls are synchronous, and the caller's siblings queue meanwhile.
            _ = Task.Run(CommitLoop, CancellationToken.None);
        }

        return write.Done.Task.WaitAsync(cancellationToken);
    }

    private void CommitLoop()
    {
        while (true)
        {
            CommitPending();
            Volatile.Write(ref _committing, 0);

            // A write queued after the last drain but before the flag was cleared found a committer running: take it.
            if (_pending.IsEmpty || Interlocked.CompareExchange(ref _committing, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private void CommitPending()
    {
        var batch = new List<PendingWrite>();
        while (_pending.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            using var db = new SqliteConnection(_connectionString);
            db.Open();
            using var tx = db.BeginTransaction();
            var commands = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
            try
            {
                foreach (var write in batch)
                {
                    // One prepared statement per kind of write in the batch.
                    if (!commands.TryGetValue(write.Sql, out var cmd))
                    {
                        commands[write.Sql] = cmd = db.CreateCommand();
                        cmd.Transaction = tx;
                        cmd.CommandText = write.Sql;
                    }

                    cmd.Parameters.Clear();
                    foreach (var (name, value) in write.Parameters)
                    {
                        cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
                    }

                    cmd.ExecuteNonQuery();
                }
            }
            finally
            {
                foreach (var cmd in commands.Values)
                {
                    cmd.Dispose();
                }
            }

            tx.Commit();
        }
        catch (Exception ex)
        {
            foreach (var write in batch)
            {
                write.Done.TrySetException(ex);
            }

            return;
        }

        foreach (var write in batch)
        {
            write.Done.TrySetResult();
        }
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
            Node = Str("node"),
            StdoutTail = Str("stdout_tail"),
            StderrTail = Str("stderr_tail"),
        };
    }

    private sealed record PendingWrite(string Sql, KeyValuePair<string, object?>[] Parameters)
    {
        // Continuations run off the committer, which goes on with the next batch.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
