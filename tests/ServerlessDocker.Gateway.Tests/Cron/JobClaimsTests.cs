using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Triggers.Cron;
using static ServerlessDocker.Gateway.Tests.Cron.CronTestData;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>Which claims a job releases: never the newest ones, never a young one, on either backend.</summary>
public sealed class JobClaimsTests
{
    private static readonly DateTimeOffset Now = Utc("2026-12-01T21:10:00Z");

    [Fact]
    public void KeepsTheNewestClaimsAndEveryYoungOne_ReleasesTheRestOldestLast()
    {
        var job = Job("@every 1s");
        var kept = JobClaims.KeptClaims(job);
        Assert.Equal(1 + 10 + 2, kept);

        // One claim per second for the last 100 s, listed in no particular order.
        var claims = Enumerable.Range(0, 100).Select(i => ($"c{i}", Now.AddSeconds(-i))).Reverse().ToList();
        var expired = JobClaims.Expired(job, claims, Now).Select(c => c.Id).ToList();

        Assert.Equal(Enumerable.Range(31, 69).Select(i => $"c{i}"), expired);
    }

    [Fact]
    public void RunAllKeepsAsManyClaimsAsItsCatchUpMayStart()
    {
        var job = Job("@every 1m", misfire: MisfirePolicy.RunAll, maxCatchUp: 40);
        var claims = Enumerable.Range(0, 60).Select(i => ($"c{i}", Now.AddMinutes(-i))).ToList();

        var expired = JobClaims.Expired(job, claims, Now).Select(c => c.Id).ToList();

        Assert.Equal(JobClaims.KeptClaims(job), 60 - expired.Count);
        Assert.Equal("c52", expired[0]);
    }
}
