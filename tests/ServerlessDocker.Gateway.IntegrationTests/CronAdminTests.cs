using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>The jobs admin API (list, history, run-now, suspend, resume), retries, timeouts and replace, on the engine.</summary>
public sealed class CronAdminTests(EngineFixture engine) : IAsyncLifetime
{
    private readonly string _job = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _out = Directory.CreateTempSubdirectory("sdock-cron-it-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await DockerCli.RemoveAsync(await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={_job}", CancellationToken.None), CancellationToken.None);
        Directory.Delete(_out, recursive: true);
    }

    private async Task<TestGateway> StartAsync(string schedule, string script, string extra = "")
    {
        var yaml = $"""
            gateway:
              adminToken: secret
            jobs:
              {_job}:
                schedule: "{schedule}"
                image: busybox
                args: [sh, -c, '{script}']
                volumes: ["{_out}:/out"]
            {extra}
            """;
        var gateway = await TestGateway.StartAsync(engine, yaml, cancellationToken: Ct);
        gateway.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "secret");
        return gateway;
    }

    [Fact(Timeout = 60000)]
    public async Task RunNowWithRetries_ThenSuspendAndResume()
    {
        var extra = "    retry: { attempts: 2, backoff: 200ms }";
        await using var gateway = await StartAsync("0 0 1 1 *", "echo attempt-$SDOCK_ATTEMPT; exit 3", extra);

        var list = await gateway.Client.GetFromJsonAsync<JsonElement>("/admin/jobs", Ct);
        var job = list.GetProperty("jobs").EnumerateArray().Single();
        Assert.Equal(_job, job.GetProperty("name").GetString());
        Assert.False(job.GetProperty("suspended").GetBoolean());
        Assert.StartsWith(DateTime.UtcNow.Year + 1 + "-01-01T00:00:00", job.GetProperty("nextRun").GetString(), StringComparison.Ordinal);

        using var run = await gateway.Client.PostAsync($"/admin/jobs/{_job}/run", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        var runs = await WaitForRunsAsync(gateway, r => r.Count(x => x.GetProperty("status").GetString() == "failed") == 2);
        var last = runs.First();
        Assert.Equal(2, last.GetProperty("attempt").GetInt32());
        Assert.Equal(3, last.GetProperty("exitCode").GetInt64());
        Assert.Contains("attempt-2", last.GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("-m-a2", last.GetProperty("runName").GetString(), StringComparison.Ordinal);

        var metrics = await gateway.Client.GetStringAsync("/metrics", Ct);
        Assert.Contains($"sdock_cron_runs_total{{job=\"{_job}\",status=\"failed\"}} 2", metrics, StringComparison.Ordinal);
        Assert.Contains($"sdock_cron_schedule_skew_seconds_count{{job=\"{_job}\"}} 1", metrics, StringComparison.Ordinal);

        using var suspend = await gateway.Client.PostAsync($"/admin/jobs/{_job}/suspend", null, Ct);
        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        job = (await gateway.Client.GetFromJsonAsync<JsonElement>("/admin/jobs", Ct)).GetProperty("jobs")[0];
        Assert.True(job.GetProperty("suspended").GetBoolean());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("nextRun").ValueKind);

        using var resume = await gateway.Client.PostAsync($"/admin/jobs/{_job}/resume", null, Ct);
        job = (await gateway.Client.GetFromJsonAsync<JsonElement>("/admin/jobs", Ct)).GetProperty("jobs")[0];
        Assert.False(job.GetProperty("suspended").GetBoolean());

        using var unknown = await gateway.Client.PostAsync("/admin/jobs/nope/run", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        gateway.Client.DefaultRequestHeaders.Authorization = null;
        using var anonymous = await gateway.Client.GetAsync("/admin/jobs", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact(Timeout = 60000)]
    public async Task Timeout_StopsTheRunAndRecordsIt()
    {
        // The timeout counts from before the container is created: 5 s leaves a loaded engine time to start it.
        await using var gateway = await StartAsync("0 0 1 1 *", "echo begun; sleep 30", "    timeout: 5s");
        using var run = await gateway.Client.PostAsync($"/admin/jobs/{_job}/run", null, Ct);
        var runs = await WaitForRunsAsync(gateway, r => r.Any(x => x.GetProperty("status").GetString() == "timed-out"));
        Assert.Contains("begun", runs[0].GetProperty("stdout").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task Replace_StopsTheOldRunKeepsItsOutputAndNeverOverlaps()
    {
        var script = "if [ -e /out/lock ]; then echo overlap >> /out/log; fi; touch /out/lock; echo started-$SDOCK_SCHEDULED_TIME; trap \"rm -f /out/lock; exit 143\" TERM; sleep 30 & wait";
        await using var gateway = await StartAsync("@every 3s", script, "    concurrency: replace");
        var runs = await WaitForRunsAsync(gateway, r => r.Count(x => x.GetProperty("status").GetString() == "replaced") >= 2, 45);
        var replaced = runs.First(x => x.GetProperty("status").GetString() == "replaced");
        Assert.Contains("started-" + replaced.GetProperty("slot").GetString(), replaced.GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_out, "log")) && File.ReadAllText(Path.Combine(_out, "log")).Contains("overlap", StringComparison.Ordinal));
    }

    private async Task<List<JsonElement>> WaitForRunsAsync(TestGateway gateway, Func<List<JsonElement>, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var body = await gateway.Client.GetFromJsonAsync<JsonElement>($"/admin/jobs/{_job}/runs", Ct);
            var runs = body.GetProperty("runs").EnumerateArray().ToList();
            if (done(runs))
            {
                return runs;
            }

            Assert.True(DateTime.UtcNow < deadline, "history never matched: " + body);
            await Task.Delay(200, Ct);
        }
    }
}
