using Microsoft.Data.Sqlite;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>The job store on a real SQLite file: group-committed writes, and stores written by an older gateway.</summary>
public sealed class JobStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-jobstore-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DbPath => Path.Combine(_dir, "gateway.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ThousandsOfConcurrentWrites_AreAllCommitted()
    {
        var store = new JobStore(DbPath);
        await store.InitializeAsync(Now, Ct);

        var writes = Enumerable.Range(0, 2000).Select(i => i % 2 == 0
            ? store.SaveStateAsync($"job{i}", Now.AddSeconds(i), "fp", Ct)
            : store.SaveRunAsync(Run($"r{i}", $"job{i - 1}", node: $"node{i % 3}"), Now, Ct)).ToList();
        await Task.WhenAll(writes);

        for (var i = 0; i < 2000; i += 2)
        {
            var (watermark, fingerprint, _) = await store.GetStateAsync($"job{i}", Ct);
            Assert.Equal(Now.AddSeconds(i), watermark);
            Assert.Equal("fp", fingerprint);
            var run = Assert.Single(await store.HistoryAsync($"job{i}", 10, Ct));
            Assert.Equal($"r{i + 1}", run.Id);
            Assert.Equal($"node{(i + 1) % 3}", run.Node);
        }
    }

    [Fact]
    public async Task AWriteWhoseWaitIsCancelled_IsCommittedAllTheSame()
    {
        var store = new JobStore(DbPath);
        await store.InitializeAsync(Now, Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SaveRunAsync(Run("r1", "beat"), Now, cancelled.Token));
        await store.SaveStateAsync("beat", Now, "fp", Ct);

        Assert.Equal("r1", Assert.Single(await store.HistoryAsync("beat", 10, Ct)).Id);
    }

    [Fact]
    public async Task AStoreWrittenBeforeRunsHadANode_GainsTheColumnAndKeepsItsHistory()
    {
        // The cron_runs table as gateways before the node column wrote it, with one run in it.
        await using (var db = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await db.OpenAsync(Ct);
            await using var cmd = db.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE cron_runs (
                  id TEXT PRIMARY KEY, job TEXT NOT NULL, slot INTEGER NOT NULL, slot_to INTEGER, slot_count INTEGER NOT NULL,
                  attempt INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT, run_name TEXT,
                  started_at INTEGER, finished_at INTEGER, exit_code INTEGER, stdout_tail TEXT, stderr_tail TEXT, recorded_at INTEGER NOT NULL);
                INSERT INTO cron_runs VALUES ('old', 'beat', 0, NULL, 1, 1, 'succeeded', NULL, 'sdock-cron-beat-x', 0, 1, 0, 'hi', '', 1);
                """;
            await cmd.ExecuteNonQueryAsync(Ct);
        }

        var store = new JobStore(DbPath);
        await store.InitializeAsync(Now, Ct);
        await store.SaveRunAsync(Run("new", "beat", node: "sdswarm2") with { Slot = Now }, Now, Ct);

        var history = await store.HistoryAsync("beat", 10, Ct);
        Assert.Equal(["new", "old"], history.Select(r => r.Id));
        Assert.Equal("sdswarm2", history[0].Node);
        Assert.Null(history[1].Node);
        Assert.Equal("hi", history[1].StdoutTail);
    }

    [Fact]
    public async Task Prune_KeepsTheNewestRunsByThePolicy()
    {
        var store = new JobStore(DbPath);
        await store.InitializeAsync(Now, Ct);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => store.SaveRunAsync(Run($"r{i}", "beat") with { Slot = Now.AddSeconds(i) }, Now, Ct)));

        await store.PruneAsync("beat", new JobHistoryPolicy { Succeeded = 3, Failed = 3, MaxAge = TimeSpan.FromDays(1) }, Now, Ct);

        Assert.Equal(["r9", "r8", "r7"], (await store.HistoryAsync("beat", 100, Ct)).Select(r => r.Id));
    }

    private static JobRunRecord Run(string id, string job, string? node = null) => new()
    {
        Id = id, Job = job, Slot = Now, Status = JobRunStatus.Succeeded, RunName = "sdock-cron-" + job, StartedAt = Now, FinishedAt = Now, ExitCode = 0, Node = node,
    };
}
