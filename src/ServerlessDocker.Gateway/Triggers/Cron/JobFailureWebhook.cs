using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>A job's <c>onFailure:</c>: where a failed or timed-out run is reported, signed with a shared secret.</summary>
public sealed record JobFailureWebhook
{
    /// <summary>The http(s) URL POSTed to; its host must be in <c>gateway.callbackHosts</c>. This field is required.</summary>
    public required string Url { get; init; }

    /// <summary>The HMAC-SHA256 key of the <c>X-Sdock-Signature</c> header. This field is required.</summary>
    public required string Secret { get; init; }

    /// <summary>After a report, identical failures of the job (same status, exit code and reason) are not sent again for this long.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Delivery attempts and backoff (the gateway's retry grammar): 5 attempts, 1 s doubling up to 30 s.</summary>
    public RetryPolicy Retry { get; init; } = new() { MaxAttempts = 5 };
}
