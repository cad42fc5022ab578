using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Triggers.Async;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// Sends a job's <c>onFailure:</c> webhook for a failed or timed-out run: in the background (the scheduler never
/// waits for it), retried with the webhook's backoff, only to hosts in <c>gateway.callbackHosts</c> (the async
/// callbacks' <see cref="CallbackPolicy"/>, checked again at delivery) and held back by <see cref="JobFailureCooldown"/>.
/// </summary>
internal sealed class JobWebhooks(IGatewayConfigSource config, TimeProvider time, ILogger<JobWebhooks> logger) : IDisposable
{
    /// <summary>Output sent with a report (the end of stdout, the start of stderr); the history keeps more.</summary>
    public const int OutputBytes = 4096;

    // No redirects: an allowed host must not be able to bounce the POST to one that is not allowed (as CallbackSender).
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stopping = new();
    private readonly JobFailureCooldown _cooldown = new(time);
    private readonly List<Task> _deliveries = [];

    /// <summary>Deliveries still going (tests wait for them).</summary>
    public Task IdleAsync()
    {
        lock (_deliveries)
        {
            return Task.WhenAll(_deliveries);
        }
    }

    /// <summary>A run of <paramref name="job"/> finished (its last attempt): reports it when it failed, returns at once.</summary>
    public void Finished(JobDefinition job, JobRunRecord run)
    {
        if (job.OnFailure is not { } hook)
        {
            return;
        }

        if (run.Status == JobRunStatus.Succeeded)
        {
            _cooldown.Reset(job.Name);
            return;
        }

        if (run.Status is not (JobRunStatus.Failed or JobRunStatus.TimedOut))
        {
            return;
        }

        if (_cooldown.Admit(job.Name, JobFailureCooldown.Fingerprint(run), hook.Cooldown) is not { } suppressed)
        {
            logger.LogInformation("Job {Job}: failure of slot {Slot:O} not reported (same failure as the last report, within the {Cooldown} cooldown)", job.Name, run.Slot, hook.Cooldown);
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @event = "job.failed",
            job = job.Name,
            slot = SlotFormat.Env(run.Slot),
            runId = run.Id,
            attempt = run.Attempt,
            status = JobStore.StatusText(run.Status),
            exitCode = run.ExitCode,
            reason = run.Reason,
            runName = run.RunName,
            startedAt = run.StartedAt,
            finishedAt = run.FinishedAt,
            stdout = Tail(run.StdoutTail),
            stderr = run.StderrTail is { Length: > OutputBytes } e ? e[..OutputBytes] : run.StderrTail,
            suppressed,
        });
        lock (_deliveries)
        {
            _deliveries.RemoveAll(t => t.IsCompleted);
            _deliveries.Add(Task.Run(() => DeliverAsync(job.Name, run.Id, hook, body, _stopping.Token), CancellationToken.None));
        }
    }

    private async Task DeliverAsync(string job, string runId, JobFailureWebhook hook, byte[] body, CancellationToken ct)
    {
        string? error = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // Checked at each delivery: callbackHosts may have been narrowed by a reload.
                if (CallbackPolicy.Check(hook.Url, config.Current.Gateway.CallbackHosts) is { } refused)
                {
                    logger.LogWarning("Job {Job}: failure webhook to {Url} refused: {Error}", job, hook.Url, refused);
                    return;
                }

                error = await PostAsync(runId, hook, body, ct).ConfigureAwait(false);
                if (error is null)
                {
                    logger.LogInformation("Job {Job}: failure of run {RunId} reported to {Url}", job, runId, hook.Url);
                    return;
                }

                if (hook.Retry.DelayAfter(attempt) is not { } delay)
                {
                    break;
                }

                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }

            logger.LogWarning("Job {Job}: failure webhook to {Url} gave up after {Attempts} attempt(s): {Error}", job, hook.Url, hook.Retry.MaxAttempts, error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.LogWarning("Job {Job}: failure webhook to {Url} not delivered before the gateway stopped ({Error})", job, hook.Url, error ?? "not sent yet");
        }
    }

    /// <summary>Null when the receiver answered 2xx, else why not.</summary>
    private async Task<string?> PostAsync(string runId, JobFailureWebhook hook, byte[] body, CancellationToken ct)
    {
        var stamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = content };
        request.Headers.Add("X-Sdock-Event", "job.failed");
        request.Headers.Add("X-Sdock-Delivery", runId);
        request.Headers.Add("X-Sdock-Timestamp", stamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Sdock-Signature", JobWebhookSignature.Sign(hook.Secret, stamp, body));
        try
        {
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"answered {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    private static string? Tail(string? s) => s is { Length: > OutputBytes } ? s[^OutputBytes..] : s;

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _http.Dispose();
    }
}
