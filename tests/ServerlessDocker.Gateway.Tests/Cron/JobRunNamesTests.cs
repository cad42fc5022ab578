using ServerlessDocker.Gateway.Triggers.Cron;
using static ServerlessDocker.Gateway.Tests.Cron.CronTestData;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>Run names are the slots' claims: deterministic, within the engine's 63 characters, distinct per slot and attempt.</summary>
public sealed class JobRunNamesTests
{
    [Fact]
    public void NameIsTheJobAndTheSlotInUtc()
    {
        Assert.Equal("sdock-cron-backup-20261201T210002Z", JobRunNames.RunName("backup", Utc("2026-12-01T21:00:02Z"), 1));
        Assert.Equal("sdock-cron-backup-20261201T210002Z-a2", JobRunNames.RunName("backup", Utc("2026-12-01T21:00:02Z"), 2));
        Assert.Equal("sdock-cron-backup-20261201T210002Z-m", JobRunNames.RunName("backup", Utc("2026-12-01T21:00:02Z"), 1, manual: true));
        Assert.Equal(JobRunNames.RunName("backup", Utc("2026-12-01T22:00:02+01:00"), 1), JobRunNames.RunName("backup", Utc("2026-12-01T21:00:02Z"), 1));
        Assert.Equal("2026-12-01T21:00:02Z", SlotFormat.Env(Utc("2026-12-01T22:00:02+01:00")));
    }

    [Fact]
    public void LongJobNamesAreCutAndHashedWithinTheEngineLimit()
    {
        var slot = Utc("2026-12-01T21:00:02Z");
        var a = JobRunNames.RunName(new string('a', 63), slot, 99, manual: true);
        var b = JobRunNames.RunName(new string('a', 62) + "b", slot, 99, manual: true);
        Assert.True(a.Length <= 63, a);
        Assert.NotEqual(a, b);
        Assert.Matches("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$", a);
        Assert.Equal(a, JobRunNames.RunName(new string('a', 63), slot, 99, manual: true));

        // A job name that fits is kept whole.
        var fits = new string('x', 28);
        Assert.Equal($"sdock-cron-{fits}-20261201T210002Z-m-a99", JobRunNames.RunName(fits, slot, 99, manual: true));
        Assert.Equal(63, JobRunNames.RunName(fits, slot, 100, manual: true).Length);
    }
}
