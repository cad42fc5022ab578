using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>Builders and tzdata premises shared by the cron tests.</summary>
internal static class CronTestData
{
    public static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    public static JobDefinition Job(
        string schedule,
        string? zone = null,
        bool seconds = false,
        MisfirePolicy misfire = MisfirePolicy.RunOnce,
        JobConcurrency concurrency = JobConcurrency.Allow,
        TimeSpan? deadline = null,
        int maxCatchUp = 10,
        bool suspend = false,
        DayMatch? dayMatch = null) => new()
        {
            Name = "job",
            Schedule = JobSchedule.Parse(schedule, seconds, zone, dayMatch),
            Target = new FunctionDefinition { Name = "job:job", Image = "img", Mode = FunctionMode.Plain },
            Misfire = misfire,
            Concurrency = concurrency,
            StartingDeadline = deadline,
            MaxCatchUp = maxCatchUp,
            Suspend = suspend,
        };

    /// <summary>Fails loudly when tzdata no longer says what a zone test assumes (the Quartz corpus's Assume).</summary>
    public static void Premise(string zone, string utcInstant, string expectedOffset)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var offset = tz.GetUtcOffset(Utc(utcInstant));
        Assert.True(offset == TimeSpan.Parse(expectedOffset.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture),
            $"tzdata premise: {zone} at {utcInstant} should be UTC{expectedOffset}, is {offset}");
    }
}
