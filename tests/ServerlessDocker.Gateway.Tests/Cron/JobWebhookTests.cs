using System.Text;
using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>Failure webhooks: the signature, the cooldown of identical failures, and the <c>onFailure:</c> config.</summary>
public sealed class JobWebhookTests
{
    [Fact]
    public void Signature_IsHmacSha256OfTimestampDotBody_AsAReceiverRecomputesIt()
    {
        var body = Encoding.UTF8.GetBytes("{\"job\":\"x\"}");

        // Computed independently: python3 -c "import hmac,hashlib; print(hmac.new(b'k3y', b'1764650000.{\"job\":\"x\"}', hashlib.sha256).hexdigest())"
        Assert.Equal("sha256=00d6d7bc33a54e6d93841f48930cc047579c10061eeaf1adc6bdc48b27e1d645", JobWebhookSignature.Sign("k3y", 1764650000, body));
        Assert.True(JobWebhookSignature.Verify("k3y", 1764650000, body, JobWebhookSignature.Sign("k3y", 1764650000, body)));
        Assert.False(JobWebhookSignature.Verify("k3y", 1764650001, body, JobWebhookSignature.Sign("k3y", 1764650000, body)));
        Assert.False(JobWebhookSignature.Verify("other", 1764650000, body, JobWebhookSignature.Sign("k3y", 1764650000, body)));
    }

    [Fact]
    public void Cooldown_HoldsBackIdenticalFailures_CountsThem_AndADifferentFailureOrASuccessStartsAfresh()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var cooldown = new JobFailureCooldown(time);
        var window = TimeSpan.FromMinutes(10);

        Assert.Equal(0, cooldown.Admit("j", "failed|1|", window));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(cooldown.Admit("j", "failed|1|", window));
        Assert.Null(cooldown.Admit("j", "failed|1|", window));
        Assert.Equal(0, cooldown.Admit("other", "failed|1|", window));

        // A different failure of the same job is news: sent at once, and it becomes the one cooled down.
        Assert.Equal(0, cooldown.Admit("j", "timed-out||", window));
        Assert.Null(cooldown.Admit("j", "timed-out||", window));

        time.Advance(window);
        Assert.Equal(1, cooldown.Admit("j", "timed-out||", window));
        Assert.Null(cooldown.Admit("j", "timed-out||", window));

        cooldown.Reset("j");
        Assert.Equal(0, cooldown.Admit("j", "timed-out||", window));
    }

    [Fact]
    public void Fingerprint_IsStatusExitCodeAndReason()
    {
        var run = new JobRunRecord { Id = "r1", Job = "j", Slot = DateTimeOffset.UnixEpoch, Status = JobRunStatus.Failed, ExitCode = 3, Reason = "boom" };
        Assert.Equal(JobFailureCooldown.Fingerprint(run), JobFailureCooldown.Fingerprint(run with { Id = "r2", Slot = DateTimeOffset.UnixEpoch.AddHours(1) }));
        Assert.NotEqual(JobFailureCooldown.Fingerprint(run), JobFailureCooldown.Fingerprint(run with { ExitCode = 4 }));
    }

    [Fact]
    public void OnFailure_IsRead_WithDefaults()
    {
        var config = GatewayConfigLoader.Parse("""
            gateway:
              callbackHosts: [hooks.example.com]
            jobs:
              j:
                schedule: "@every 2s"
                image: busybox
                onFailure:
                  url: https://hooks.example.com/sdock
                  secret: s
                  retry: { attempts: 2, backoff: 100ms }
            """);
        var hook = config.Jobs["j"].OnFailure!;
        Assert.Equal("https://hooks.example.com/sdock", hook.Url);
        Assert.Equal("s", hook.Secret);
        Assert.Equal(TimeSpan.FromMinutes(30), hook.Cooldown);
        Assert.Equal(2, hook.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(100), hook.Retry.InitialBackoff);
        Assert.Null(GatewayConfigLoader.Parse("jobs:\n  j:\n    schedule: \"@every 2s\"\n    image: busybox\n").Jobs["j"].OnFailure);
    }

    [Theory]
    [InlineData("gateway:\n  callbackHosts: [h]\n", "url: http://other/x\n      secret: s", "functions.yaml:8:7: job 'j': onFailure url 'http://other/x': host 'other' is not in gateway.callbackHosts")]
    [InlineData("", "url: http://h/x\n      secret: s", "callbacks are disabled on this gateway")]
    [InlineData("gateway:\n  callbackHosts: [h]\n", "url: http://h/x", "'onFailure' needs 'url:' and 'secret:'")]
    [InlineData("gateway:\n  callbackHosts: [h]\n", "url: http://h/x\n      secret: s\n      cooldown: soon", "functions.yaml:10:17: 'cooldown'")]
    public void OnFailure_Refused(string gateway, string hook, string expected)
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse($"{gateway}jobs:\n  j:\n    schedule: \"@every 2s\"\n    image: busybox\n    onFailure:\n      {hook}\n"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
