using System.Text.Json;
using Microsoft.Data.Sqlite;
using ServerlessDocker.Gateway.Cgi;

// The `await using` of SQLite connections, commands and readers: their async disposal completes synchronously, and
// ConfigureAwait on each would only wrap every object in ConfiguredAsyncDisposable; every other await says false.
#pragma warning disable CA2007

namespace ServerlessDocker.Gateway.Triggers.Async;

/// <summary>
/// Asynchronous calls in SQLite. A call is written before the client gets its 202, so a gateway restart loses none;
/// calls found "running" at start (the gateway died mid-call) are queued again.
/// </summary>
internal sealed class CallStore
{
    private readonly string _connectionString;

    public CallStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(db, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS calls (
              id TEXT PRIMARY KEY, function TEXT NOT NULL, status TEXT NOT NULL,
              request_json TEXT NOT NULL, body BLOB NOT NULL, script_name TEXT NOT NULL, path_info TEXT NOT NULL,
              pass_auth INTEGER NOT NULL, callback_url TEXT, attempts INTEGER NOT NULL,
              created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, next_attempt_at INTEGER NOT NULL,
              http_status INTEGER, exit_code INTEGER, duration_ms REAL, output BLOB, output_content_type TEXT,
              error TEXT, stderr TEXT, callback_status TEXT, callback_error TEXT);
            CREATE INDEX IF NOT EXISTS calls_due ON calls(status, next_attempt_at);
            """, cancellationToken).ConfigureAwait(false);

        // A call still 'running' belongs to a gateway that died during its attempt (kill -9, a crash, power loss):
        // the attempt counts, and the call waits for the worker to clear its container and decide on a retry.
        await using var interrupted = db.CreateCommand();
        interrupted.CommandText = $"UPDATE calls SET status = 'interrupted', attempts = attempts + 1, error = '{InterruptedError}' WHERE status = 'running' RETURNING id";
        var ids = new List<string>();
        await using (var r = await interrupted.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(r.GetString(0));
            }
        }

        InterruptedCallIds = ids;
    }

    /// <summary>What an interrupted attempt records.</summary>
    public const string InterruptedError = "attempt interrupted: the gateway stopped while it ran";

    /// <summary>Calls whose attempt a previous gateway process did not finish, found at start-up.</summary>
    public IReadOnlyList<string> InterruptedCallIds { get; private set; } = [];

    /// <summary>Queues an interrupted call for its next attempt.</summary>
    public async Task RequeueInterruptedAsync(string id, DateTimeOffset next, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "UPDATE calls SET status = 'queued', next_attempt_at = $next WHERE id = $id AND status = 'interrupted'";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$next", next.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task InsertAsync(AsyncCall call, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO calls (id, function, status, request_json, body, script_name, path_info, pass_auth, callback_url, attempts, created_at, next_attempt_at)
            VALUES ($id, $fn, 'queued', $req, $body, $script, $pathinfo, $pass, $cb, 0, $created, $next)
            """;
        cmd.Parameters.AddWithValue("$id", call.Id);
        cmd.Parameters.AddWithValue("$fn", call.Function);
        cmd.Parameters.AddWithValue("$req", JsonSerializer.Serialize(call.Request));
        cmd.Parameters.AddWithValue("$body", call.Body);
        cmd.Parameters.AddWithValue("$script", call.ScriptName);
        cmd.Parameters.AddWithValue("$pathinfo", call.PathInfo);
        cmd.Parameters.AddWithValue("$pass", call.PassAuthorization ? 1 : 0);
        cmd.Parameters.AddWithValue("$cb", (object?)call.CallbackUrl ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$created", call.CreatedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$next", call.NextAttemptAt.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks up to <paramref name="limit"/> due calls as running and returns them.</summary>
    public async Task<IReadOnlyList<AsyncCall>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var calls = new List<AsyncCall>();
        await using (var select = db.CreateCommand())
        {
            select.Transaction = tx;
            select.CommandText = "SELECT * FROM calls WHERE status = 'queued' AND next_attempt_at <= $now ORDER BY next_attempt_at, created_at LIMIT $limit";
            select.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            select.Parameters.AddWithValue("$limit", limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                calls.Add(Read(reader));
            }
        }

        foreach (var call in calls)
        {
            await using var update = db.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE calls SET status = 'running', started_at = $now WHERE id = $id";
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$id", call.Id);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return calls.Select(c => c with { Status = AsyncCallStatus.Running, StartedAt = now }).ToList();
    }

    /// <summary>Writes the outcome of an attempt (attempts + 1) and the call's new state.</summary>
    public async Task SaveAttemptAsync(AsyncCall call, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = """
            UPDATE calls SET status = $status, attempts = $attempts, finished_at = $finished, next_attempt_at = $next,
              http_status = $http, exit_code = $exit, duration_ms = $dur, output = $out, output_content_type = $ctype,
              error = $err, stderr = $stderr
            WHERE id = $id
            """;
        cmd.Parameters.AddWithValue("$id", call.Id);
        cmd.Parameters.AddWithValue("$status", StatusText(call.Status));
        cmd.Parameters.AddWithValue("$attempts", call.Attempts);
        cmd.Parameters.AddWithValue("$finished", (object?)call.FinishedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$next", call.NextAttemptAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$http", (object?)call.HttpStatus ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$exit", (object?)call.ExitCode ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$dur", (object?)call.DurationMs ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$out", call.Output);
        cmd.Parameters.AddWithValue("$ctype", (object?)call.OutputContentType ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$err", (object?)call.Error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$stderr", (object?)call.Stderr ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts a running call back in the queue without counting an attempt (gateway stopping, no free slot).</summary>
    public async Task RequeueAsync(string id, DateTimeOffset next, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "UPDATE calls SET status = 'queued', next_attempt_at = $next WHERE id = $id AND status = 'running'";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$next", next.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveCallbackAsync(string id, string status, string? error, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "UPDATE calls SET callback_status = $s, callback_error = $e WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$s", status);
        cmd.Parameters.AddWithValue("$e", (object?)error ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AsyncCall?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT * FROM calls WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<AsyncCall>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT * FROM calls ORDER BY created_at DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AsyncCall>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    public async Task<long> PendingCountAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM calls WHERE status IN ('queued', 'running')";
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT MIN(next_attempt_at) FROM calls WHERE status = 'queued'";
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var db = new SqliteConnection(_connectionString);
        await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        return db;
    }

    private static async Task ExecAsync(SqliteConnection db, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string StatusText(AsyncCallStatus status) => status.ToString().ToLowerInvariant();

    private static AsyncCall Read(SqliteDataReader r)
    {
        DateTimeOffset? Time(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal(column)));
        T? Opt<T>(string column, Func<int, T> get) where T : struct => r.IsDBNull(r.GetOrdinal(column)) ? null : get(r.GetOrdinal(column));
        string? Str(string column) => r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));
        byte[] Blob(string column) => r.IsDBNull(r.GetOrdinal(column)) ? [] : (byte[])r.GetValue(r.GetOrdinal(column));
        return new AsyncCall
        {
            Id = r.GetString(r.GetOrdinal("id")),
            Function = r.GetString(r.GetOrdinal("function")),
            Status = Enum.Parse<AsyncCallStatus>(r.GetString(r.GetOrdinal("status")), ignoreCase: true),
            Request = JsonSerializer.Deserialize<CgiRequest>(r.GetString(r.GetOrdinal("request_json")))!,
            Body = Blob("body"),
            ScriptName = r.GetString(r.GetOrdinal("script_name")),
            PathInfo = r.GetString(r.GetOrdinal("path_info")),
            PassAuthorization = r.GetInt64(r.GetOrdinal("pass_auth")) != 0,
            CallbackUrl = Str("callback_url"),
            Attempts = (int)r.GetInt64(r.GetOrdinal("attempts")),
            CreatedAt = Time("created_at")!.Value,
            StartedAt = Time("started_at"),
            FinishedAt = Time("finished_at"),
            NextAttemptAt = Time("next_attempt_at")!.Value,
            HttpStatus = Opt("http_status", i => (int)r.GetInt64(i)),
            ExitCode = Opt("exit_code", r.GetInt64),
            DurationMs = Opt("duration_ms", r.GetDouble),
            Output = Blob("output"),
            OutputContentType = Str("output_content_type"),
            Error = Str("error"),
            Stderr = Str("stderr"),
            CallbackStatus = Str("callback_status"),
            CallbackError = Str("callback_error"),
        };
    }
}
