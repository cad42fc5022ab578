using System.Diagnostics;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>`sdock serve` killed with SIGKILL mid-run and started again: the run is adopted, not forgotten or repeated.</summary>
public sealed class CronRestartTests(EngineFixture engine) : IAsyncLifetime
{
    private readonly string _job = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-cron-serve-").FullName;
    private readonly string _out = Directory.CreateTempSubdirectory("sdock-cron-it-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sdock => Path.Combine(AppContext.BaseDirectory, "sdock.dll");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await DockerCli.RemoveAsync(await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={_job}", CancellationToken.None), CancellationToken.None);
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_out, recursive: true);
    }

    [Fact(Timeout = 120000)]
    public async Task KilledMidRun_RestartAdoptsTheRunAndForbidStillHolds()
    {
        _ = engine;
        var script = "if [ -e /out/lock ]; then echo overlap >> /out/log; fi; touch /out/lock; echo $SDOCK_SCHEDULED_TIME >> /out/log; sleep 8; rm -f /out/lock; echo finished-$SDOCK_SCHEDULED_TIME";
        await File.WriteAllTextAsync(Path.Combine(_dir, "functions.yaml"), $"""
            jobs:
              {_job}:
                schedule: "@every 2s"
                image: busybox
                args: [sh, -c, '{script}']
                volumes: ["{_out}:/out"]
                concurrency: forbid
                misfire: skip
            """, Ct);

        using (var first = Start())
        {
            await WaitForAsync(() => File.Exists(Path.Combine(_out, "lock")), "the first run to start");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Ct);
        }

        var adoptedSlot = (await File.ReadAllLinesAsync(Path.Combine(_out, "log"), Ct))[0];
        Assert.NotEmpty(await DockerCli.ContainerIdsAsync($"{JobRunNames.SlotLabel}={adoptedSlot}", Ct));

        using (var second = Start())
        {
            // The adopted run ends ~8 s after it began; forbid holds the next slots until then.
            await WaitForAsync(() => Lines().Count(l => l != "overlap") >= 2 && !File.Exists(Path.Combine(_out, "lock")) || Lines().Contains("overlap"), "a second run to finish");
            await WaitForAsync(() => Lines().Count(l => l != "overlap") >= 2, "a second run to start");
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync(Ct);
        }

        var lines = Lines();
        Assert.DoesNotContain("overlap", lines);
        Assert.Equal(lines.Distinct().Count(), lines.Count);
        var history = await new JobStore(Path.Combine(_dir, ".sdock", "gateway.db")).HistoryAsync(_job, 100, Ct);
        var adopted = history.Single(r => r.Slot == DateTimeOffset.Parse(adoptedSlot, System.Globalization.CultureInfo.InvariantCulture) && r.Attempt == 1 && r.StartedAt is not null);
        Assert.Equal(JobRunStatus.Succeeded, adopted.Status);
        Assert.Equal(0, adopted.ExitCode);
        Assert.Contains("adopted", adopted.Reason, StringComparison.Ordinal);
        Assert.Contains("finished-" + adoptedSlot, adopted.StdoutTail, StringComparison.Ordinal);
    }

    private List<string> Lines()
    {
        var path = Path.Combine(_out, "log");
        try
        {
            return File.Exists(path) ? [.. File.ReadAllLines(path).Where(l => l.Length > 0)] : [];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static async Task WaitForAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100, Ct);
        }
    }

    private Process Start()
    {
        Assert.True(File.Exists(Sdock), $"{Sdock} is missing");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardError = false, RedirectStandardOutput = false };
        foreach (var a in new[] { Sdock, "serve", "-f", "functions.yaml", "--listen", "127.0.0.1:0" })
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
    }
}
