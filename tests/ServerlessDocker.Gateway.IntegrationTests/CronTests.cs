using System.Globalization;
using System.Text.RegularExpressions;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>
/// Scheduled jobs against the real engine with second-level schedules: runs happen with their environment, two
/// gateways with separate stores run each slot exactly once, and forbid never overlaps.
/// </summary>
public sealed partial class CronTests(EngineFixture engine) : IAsyncLifetime
{
    private readonly string _job = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _out = Directory.CreateTempSubdirectory("sdock-cron-it-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex SlotPattern();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // The exited run containers are the slots' claims and outlive the gateway on purpose; the test removes its own.
        await DockerCli.RemoveAsync(await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={_job}", CancellationToken.None), CancellationToken.None);
        Directory.Delete(_out, recursive: true);
    }

    private string Yaml(string schedule, string script, string extra = "") => $"""
        jobs:
          {_job}:
            schedule: "{schedule}"
            image: busybox
            args: [sh, -c, '{script}']
            volumes: ["{_out}:/out"]
            timeout: 30s
        {extra}
        """;

    [Fact(Timeout = 90000)]
    public async Task EverySecondJob_RunsEachSlotWithItsEnvironment()
    {
        var yaml = Yaml("@every 1s", "echo \"$SDOCK_SCHEDULED_TIME $SDOCK_JOB $SDOCK_ATTEMPT $SDOCK_RUN_ID\" >> /out/runs; echo tail-of-$SDOCK_SCHEDULED_TIME");
        var gatewayDir = Directory.CreateTempSubdirectory("sdock-cron-gw-").FullName;
        await using (var gateway = await TestGateway.StartAsync(engine, yaml, gatewayDir, Ct))
        {
            await WaitForLinesAsync("runs", 3, TimeSpan.FromSeconds(60));
        }

        var lines = await ReadLinesAsync("runs");
        var slots = lines.Select(l => l.Split(' ')).ToList();
        Assert.All(slots, f =>
        {
            Assert.Matches(SlotPattern(), f[0]);
            Assert.Equal(_job, f[1]);
            Assert.Equal("1", f[2]);
            Assert.StartsWith("r", f[3], StringComparison.Ordinal);
        });
        Assert.Equal(slots.Count, slots.Select(f => f[0]).Distinct().Count());
        Assert.Equal(slots.Count, slots.Select(f => f[3]).Distinct().Count());

        // The history has each finished run with its exit code and output tail (a run still ending when the gateway
        // stopped is recorded as cancelled), and its container carries job and slot labels.
        var history = await new JobStore(Path.Combine(gatewayDir, ".sdock", "gateway.db")).HistoryAsync(_job, 100, Ct);
        Assert.All(history, h => Assert.Contains(h.Status, new[] { JobRunStatus.Succeeded, JobRunStatus.Cancelled }));
        var first = history.Last(h => h.Status == JobRunStatus.Succeeded);
        var written = slots.Single(f => f[3] == first.Id);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(written[0], first.Slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Assert.Contains("tail-of-" + written[0], first.StdoutTail, StringComparison.Ordinal);
        Assert.NotEmpty(await DockerCli.ContainerIdsAsync($"{JobRunNames.SlotLabel}={written[0]}", Ct));
        Directory.Delete(gatewayDir, recursive: true);
    }

    [Fact(Timeout = 150000)]
    public async Task TwoGatewaysWithSeparateStores_RunEachSlotExactlyOnce()
    {
        var yaml = Yaml("@every 2s", "echo \"$SDOCK_SCHEDULED_TIME $SDOCK_RUN_ID\" >> /out/runs");
        var dirs = new[] { Directory.CreateTempSubdirectory("sdock-cron-gw-a-").FullName, Directory.CreateTempSubdirectory("sdock-cron-gw-b-").FullName };
        await using (var a = await TestGateway.StartAsync(engine, yaml, dirs[0], Ct))
        await using (var b = await TestGateway.StartAsync(engine, yaml, dirs[1], Ct))
        {
            await WaitForLinesAsync("runs", 5, TimeSpan.FromSeconds(90));
        }

        var slots = (await ReadLinesAsync("runs")).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(slots.Distinct().Count(), slots.Count);

        // Both schedulers tried the slots they saw: one ran each, the other recorded the claim as taken.
        var histories = new List<IReadOnlyList<JobRunRecord>>();
        foreach (var dir in dirs)
        {
            histories.Add(await new JobStore(Path.Combine(dir, ".sdock", "gateway.db")).HistoryAsync(_job, 1000, Ct));
            Directory.Delete(dir, recursive: true);
        }

        var succeeded = histories.SelectMany(h => h).Where(r => r.Status == JobRunStatus.Succeeded).Select(r => r.Slot).ToList();
        Assert.Equal(succeeded.Distinct().Count(), succeeded.Count);
        Assert.Contains(histories.SelectMany(h => h), r => r.Status == JobRunStatus.Claimed);
    }

    [Theory(Timeout = 90000)]
    [InlineData("forbid", false)]
    [InlineData("allow", true)]
    public async Task Forbid_NeverOverlaps(string concurrency, bool expectOverlap)
    {
        // Each run takes 2.5 s on a 1 s schedule; a lock file in the shared directory detects overlap.
        var script = "if [ -e /out/lock ]; then echo overlap >> /out/log; fi; touch /out/lock; echo $SDOCK_SCHEDULED_TIME >> /out/log; sleep 2.5; rm -f /out/lock";
        var yaml = Yaml("@every 1s", script, $"    concurrency: {concurrency}\n    misfire: skip");
        var gatewayDir = Directory.CreateTempSubdirectory("sdock-cron-gw-").FullName;
        await using (var gateway = await TestGateway.StartAsync(engine, yaml.Replace("\n\n", "\n", StringComparison.Ordinal), gatewayDir, Ct))
        {
            await WaitForLinesAsync("log", expectOverlap ? 4 : 3, TimeSpan.FromSeconds(60));
        }

        var log = await ReadLinesAsync("log");
        Assert.Equal(expectOverlap, log.Contains("overlap"));
        if (!expectOverlap)
        {
            var history = await new JobStore(Path.Combine(gatewayDir, ".sdock", "gateway.db")).HistoryAsync(_job, 1000, Ct);
            Assert.Contains(history, r => r.Status == JobRunStatus.Skipped && r.Reason!.Contains("concurrency: forbid", StringComparison.Ordinal));
        }

        Directory.Delete(gatewayDir, recursive: true);
    }

    [Fact(Timeout = 150000)]
    public async Task Forbid_AcrossTwoLiveSchedulers_NeverOverlaps()
    {
        // Each run takes 2.5 s on a 1 s schedule; a slot B sees while A's run goes must wait for it (found by label).
        var script = "if [ -e /out/lock ]; then echo overlap >> /out/log; fi; touch /out/lock; echo $SDOCK_SCHEDULED_TIME >> /out/log; sleep 2.5; rm -f /out/lock";
        var yaml = Yaml("@every 1s", script, "    concurrency: forbid\n    misfire: skip").Replace("\n\n", "\n", StringComparison.Ordinal);
        var dirs = new[] { Directory.CreateTempSubdirectory("sdock-cron-fa-").FullName, Directory.CreateTempSubdirectory("sdock-cron-fb-").FullName };
        await using (var a = await TestGateway.StartAsync(engine, yaml, dirs[0], Ct))
        await using (var b = await TestGateway.StartAsync(engine, yaml, dirs[1], Ct))
        {
            await WaitForLinesAsync("log", 4, TimeSpan.FromSeconds(90));
        }

        var log = await ReadLinesAsync("log");
        Assert.DoesNotContain("overlap", log);
        var histories = new List<JobRunRecord>();
        foreach (var dir in dirs)
        {
            histories.AddRange(await new JobStore(Path.Combine(dir, ".sdock", "gateway.db")).HistoryAsync(_job, 1000, Ct));
            Directory.Delete(dir, recursive: true);
        }

        Assert.Contains(histories, r => r.Status == JobRunStatus.Skipped && r.Reason!.Contains("concurrency: forbid", StringComparison.Ordinal));
    }

    [Fact(Timeout = 90000)]
    public async Task BadEditWhileRunning_IsRefusedAndTheJobKeepsRunning()
    {
        var yaml = Yaml("@every 1s", "echo $SDOCK_SCHEDULED_TIME >> /out/runs");
        await using var gateway = await TestGateway.StartAsync(engine, yaml, cancellationToken: Ct);
        await WaitForLinesAsync("runs", 1, TimeSpan.FromSeconds(60));

        await File.WriteAllTextAsync(gateway.ConfigPath, yaml.Replace("@every 1s", "0 0 30 2 *", StringComparison.Ordinal), Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (gateway.Host.LastConfigError is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the bad edit was not reported");
            await Task.Delay(100, Ct);
        }

        Assert.Contains("functions.yaml:3:", gateway.Host.LastConfigError, StringComparison.Ordinal);
        Assert.Contains("can never fire", gateway.Host.LastConfigError, StringComparison.Ordinal);
        var before = (await ReadLinesAsync("runs")).Count;
        await WaitForLinesAsync("runs", before + 2, TimeSpan.FromSeconds(30));
    }

    private async Task<List<string>> ReadLinesAsync(string file)
    {
        var path = Path.Combine(_out, file);
        return File.Exists(path) ? [.. (await File.ReadAllLinesAsync(path, Ct)).Where(l => l.Length > 0)] : [];
    }

    private async Task WaitForLinesAsync(string file, int count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while ((await ReadLinesAsync(file)).Count(l => l != "overlap") < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} runs wrote to {file} within {limit}");
            await Task.Delay(200, Ct);
        }
    }
}
