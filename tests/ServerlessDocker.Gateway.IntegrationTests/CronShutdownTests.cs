using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>
/// `sdock serve` stopped with SIGTERM: scheduling stops at once, a run that ends within the grace is recorded as it
/// ended, a run still going after it is stopped (SIGTERM to the container) and recorded `cancelled` with its output.
/// </summary>
public sealed class CronShutdownTests(EngineFixture engine) : IAsyncLifetime
{
    private readonly string _short = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _long = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-cron-term-").FullName;
    private readonly string _out = Directory.CreateTempSubdirectory("sdock-cron-it-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sdock => Path.Combine(AppContext.BaseDirectory, "sdock.dll");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var job in new[] { _short, _long })
        {
            await DockerCli.RemoveAsync(await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={job}", CancellationToken.None), CancellationToken.None);
        }

        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_out, recursive: true);
    }

    [Fact(Timeout = 120000)]
    public async Task Sigterm_StopsScheduling_LetsShortRunsFinish_CancelsTheRestWithTheirOutput()
    {
        _ = engine;
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(_dir, "functions.yaml"), $"""
            gateway:
              adminToken: t
            jobs:
              {_short}:
                schedule: "@every 2s"
                image: busybox
                args: [sh, -c, 'echo $SDOCK_SCHEDULED_TIME >> /out/short; sleep 3; echo short-done']
                volumes: ["{_out}:/out"]
              {_long}:
                schedule: "0 0 1 1 *"
                image: busybox
                args: [sh, -c, 'trap "echo got-term; exit 143" TERM; echo long-begun; touch /out/long; sleep 300 & wait']
                volumes: ["{_out}:/out"]
            """, Ct);
        using var serve = Start("serve", "-f", "functions.yaml", "--listen", $"127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        await WaitForAsync(async () =>
        {
            try
            {
                using var r = await client.PostAsync($"/admin/jobs/{_long}/run", null, Ct);
                return r.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "sdock serve to accept a run-now");
        await WaitForAsync(() => Task.FromResult(File.Exists(Path.Combine(_out, "long")) && Lines().Count >= 2), "both jobs to run");

        var stopping = DateTimeOffset.UtcNow;
        using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        await serve.WaitForExitAsync(Ct);
        var stopped = DateTimeOffset.UtcNow;

        // Default grace (the host's shutdown timeout) is 10 s; stopping the long run adds its container's stop.
        Assert.InRange((stopped - stopping).TotalSeconds, 9, 40);
        var slots = Lines().Select(l => DateTimeOffset.Parse(l, CultureInfo.InvariantCulture)).ToList();
        Assert.All(slots, s => Assert.True(s <= stopping.AddSeconds(1), $"slot {s:O} started after SIGTERM at {stopping:O}"));

        var store = new JobStore(Path.Combine(_dir, ".sdock", "gateway.db"));
        var shortRuns = (await store.HistoryAsync(_short, 100, Ct)).Where(r => r.StartedAt is not null).ToList();
        Assert.Equal(slots.Count, shortRuns.Count);
        // Each short run ended within the grace (succeeded) or, on a loaded machine, outlived it (cancelled): none is
        // left running or unrecorded.
        Assert.All(shortRuns, r => Assert.Contains(r.Status, new[] { JobRunStatus.Succeeded, JobRunStatus.Cancelled }));
        Assert.All(shortRuns, r => Assert.NotNull(r.FinishedAt));
        Assert.All(shortRuns.Where(r => r.Status == JobRunStatus.Succeeded), r => Assert.Contains("short-done", r.StdoutTail, StringComparison.Ordinal));

        var longRun = (await store.HistoryAsync(_long, 10, Ct)).Single();
        Assert.Equal(JobRunStatus.Cancelled, longRun.Status);
        Assert.NotNull(longRun.FinishedAt);
        Assert.Contains("long-begun", longRun.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("got-term", longRun.StdoutTail, StringComparison.Ordinal);

        // Nothing is left running; the exited containers stay as the slots' claims.
        foreach (var job in new[] { _short, _long })
        {
            var ids = await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={job}", Ct);
            foreach (var id in ids)
            {
                Assert.NotEqual("running", await DockerCli.StateAsync(id, Ct));
            }
        }
    }

    private List<string> Lines()
    {
        var path = Path.Combine(_out, "short");
        try
        {
            return File.Exists(path) ? [.. File.ReadAllLines(path).Where(l => l.Length > 0)] : [];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100, Ct);
        }
    }

    private Process Start(params string[] args)
    {
        Assert.True(File.Exists(Sdock), $"{Sdock} is missing");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir };
        psi.ArgumentList.Add(Sdock);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
