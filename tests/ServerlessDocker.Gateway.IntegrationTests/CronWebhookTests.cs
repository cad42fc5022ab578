using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>A job's <c>onFailure:</c> webhook to a real HTTP listener: signed, retried, identical failures cooled down.</summary>
public sealed class CronWebhookTests(EngineFixture engine) : IAsyncLifetime
{
    private readonly string _job = "it-" + Guid.NewGuid().ToString("N")[..8];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() =>
        await DockerCli.RemoveAsync(await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={_job}", CancellationToken.None), CancellationToken.None);

    [Fact(Timeout = 90000)]
    public async Task FailedRun_IsReportedSignedAndRetried_AnIdenticalFailureIsHeldBack()
    {
        await using var listener = await CallbackListener.StartAsync(Ct, failFirst: 1);
        var yaml = $"""
            gateway:
              adminToken: secret
              callbackHosts: ["127.0.0.1"]
            jobs:
              {_job}:
                schedule: "0 0 1 1 *"
                image: busybox
                args: [sh, -c, 'echo out-$SDOCK_SCHEDULED_TIME; exit 7']
                onFailure:
                  url: {listener.Url}
                  secret: hook-key
                  cooldown: 1h
                  retry:
                    attempts: 3
                    backoff: 300ms
            """;
        await using var gateway = await TestGateway.StartAsync(engine, yaml, cancellationToken: Ct);
        gateway.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "secret");

        using (var run = await gateway.Client.PostAsync($"/admin/jobs/{_job}/run", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        }

        // The first delivery is answered 503 and retried with the same delivery id and a fresh signature.
        var first = await listener.NextAsync(TimeSpan.FromSeconds(30), Ct);
        var second = await listener.NextAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(first.Headers["X-Sdock-Delivery"], second.Headers["X-Sdock-Delivery"]);
        Assert.Equal(first.Body, second.Body);
        foreach (var delivery in new[] { first, second })
        {
            Assert.Equal("job.failed", delivery.Headers["X-Sdock-Event"]);
            var stamp = long.Parse(delivery.Headers["X-Sdock-Timestamp"], CultureInfo.InvariantCulture);
            Assert.InRange(stamp, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.True(JobWebhookSignature.Verify("hook-key", stamp, Encoding.UTF8.GetBytes(delivery.Body), delivery.Headers["X-Sdock-Signature"]));
            Assert.False(JobWebhookSignature.Verify("other-key", stamp, Encoding.UTF8.GetBytes(delivery.Body), delivery.Headers["X-Sdock-Signature"]));
        }

        var body = JsonDocument.Parse(second.Body).RootElement;
        Assert.Equal(_job, body.GetProperty("job").GetString());
        Assert.Equal("failed", body.GetProperty("status").GetString());
        Assert.Equal(7, body.GetProperty("exitCode").GetInt64());
        Assert.Equal(second.Headers["X-Sdock-Delivery"], body.GetProperty("runId").GetString());
        Assert.Contains("out-" + body.GetProperty("slot").GetString(), body.GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, body.GetProperty("suppressed").GetInt64());

        // The same failure again within the cooldown: recorded in the history, not reported.
        await Task.Delay(1100, Ct); // a new second: run-now slots are whole seconds
        using (var again = await gateway.Client.PostAsync($"/admin/jobs/{_job}/run", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        for (var i = 0; ; i++)
        {
            var runs = (await gateway.Client.GetFromJsonAsync<JsonElement>($"/admin/jobs/{_job}/runs", Ct)).GetProperty("runs");
            if (runs.EnumerateArray().Count(r => r.GetProperty("status").GetString() == "failed") == 2)
            {
                break;
            }

            Assert.True(i < 150, "the second run never failed: " + runs);
            await Task.Delay(200, Ct);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener.NextAsync(TimeSpan.FromSeconds(2), Ct));
    }
}
