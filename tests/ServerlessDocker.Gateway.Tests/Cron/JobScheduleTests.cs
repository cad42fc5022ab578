using ServerlessDocker.Gateway.Triggers.Cron;
using static ServerlessDocker.Gateway.Tests.Cron.CronTestData;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>The schedule model: dialect (§7 A), calendar (§7 B) and named-zone DST (§7 C) cases.</summary>
public sealed class JobScheduleTests
{
    private static string Problem(string text, bool seconds = false, string? zone = null, DayMatch? dayMatch = null)
    {
        Assert.False(JobSchedule.TryParse(text, seconds, zone, dayMatch, out _, out var problem), $"'{text}' should be rejected");
        return problem!;
    }

    private static List<DateTimeOffset> Slots(JobSchedule s, string fromExclusive, string toInclusive) =>
        s.Ascending(Utc(fromExclusive), Utc(toInclusive)).ToList();

    // --- A. Parsing and dialect ---

    [Fact]
    public void SixFieldsAreRejectedWithoutSecondsAndMeanSecondsWithIt()
    {
        var problem = Problem("*/15 * * * * *");
        Assert.Contains("6 fields", problem);
        Assert.Contains("seconds: true", problem);

        var s = JobSchedule.Parse("*/15 * * * * *", seconds: true);
        Assert.Equal([Utc("2026-01-01T00:00:15Z"), Utc("2026-01-01T00:00:30Z")], Slots(s, "2026-01-01T00:00:00Z", "2026-01-01T00:00:30Z"));
        Assert.Contains("6:", Problem("*/15 * * * *", seconds: true));
    }

    [Fact]
    public void DayOfMonthWithDayOfWeekNeedsAnExplicitDayMatch()
    {
        var problem = Problem("0 0 13 * 5");
        Assert.Contains("dayMatch: either", problem);
        Assert.Contains("dayMatch: both", problem);
        Assert.Contains("'0 0 13 * *'", problem);
        Assert.Contains("'0 0 * * 5'", problem);

        // Cronos (AND): Friday the 13th; Vixie/k8s (OR): the first Friday.
        Assert.Equal(Utc("2026-02-13T00:00:00Z"), JobSchedule.Parse("0 0 13 * 5", dayMatch: DayMatch.Both).Next(Utc("2026-01-01T00:00:00Z")));
        var either = JobSchedule.Parse("0 0 13 * 5", dayMatch: DayMatch.Either);
        Assert.Equal(Utc("2026-01-02T00:00:00Z"), either.Next(Utc("2026-01-01T00:00:00Z")));
        Assert.Equal(
            [Utc("2026-01-02Z"), Utc("2026-01-09Z"), Utc("2026-01-13Z"), Utc("2026-01-16Z")],
            Slots(either, "2026-01-01T00:00:00Z", "2026-01-16T00:00:00Z"));

        Assert.Contains("remove it", Problem("0 0 13 * *", dayMatch: DayMatch.Either));
    }

    [Fact]
    public void DayOfWeekSevenIsSundayAndNamesWork()
    {
        Assert.Equal(Utc("2026-01-04T00:00:00Z"), JobSchedule.Parse("0 0 * * 7").Next(Utc("2026-01-01T00:00:00Z")));
        Assert.Equal(Utc("2026-01-05T00:00:00Z"), JobSchedule.Parse("0 0 * * MON-FRI").Next(Utc("2026-01-03T00:00:00Z")));
        Assert.Contains("not a valid cron expression", Problem("0 0 * * MONDAY"));
    }

    [Fact]
    public void EveryIsAnIntervalAnchoredToTheEpoch()
    {
        var s = JobSchedule.Parse("@every 90m");
        Assert.Equal(TimeSpan.FromMinutes(90), s.Interval);

        // Multiples of 90 minutes since 1970-01-01: 2026-01-01T00:00Z is one (20454 days = 327264 × 90 min).
        Assert.Equal(Utc("2026-01-01T01:30:00Z"), s.Next(Utc("2026-01-01T00:00:00Z")));
        Assert.Equal(Utc("2026-01-01T01:30:00Z"), s.Next(Utc("2026-01-01T01:29:59.999Z")));
        Assert.Equal(Utc("2026-01-01T03:00:00Z"), s.Next(Utc("2026-01-01T01:30:00Z")));
        Assert.Equal(Utc("2026-01-01T01:30:00Z"), s.Latest(Utc("2026-01-01T02:59:59Z")));

        // Every scheduler, started whenever, computes the same slots.
        var two = JobSchedule.Parse("@every 2s");
        Assert.Equal(Utc("2026-12-01T21:00:02Z"), two.Next(Utc("2026-12-01T21:00:00.7Z")));
        Assert.Equal(Utc("2026-12-01T21:00:02Z"), two.Next(Utc("2026-12-01T21:00:01.3Z")));

        Assert.Contains("whole number of seconds", Problem("@every 500ms"));
        Assert.Contains("whole number of seconds", Problem("@every 1.5s"));
        Assert.Contains("30s", Problem("@every soon"));
        Assert.Contains("'@every DURATION'", Problem("@every"));
    }

    [Theory]
    [InlineData("@hourly", "2026-01-01T00:10:00Z", "2026-01-01T01:00:00Z")]
    [InlineData("@daily", "2026-01-01T00:10:00Z", "2026-01-02T00:00:00Z")]
    [InlineData("@weekly", "2026-01-01T00:10:00Z", "2026-01-04T00:00:00Z")]
    [InlineData("@monthly", "2026-01-01T00:10:00Z", "2026-02-01T00:00:00Z")]
    [InlineData("@yearly", "2026-01-01T00:10:00Z", "2027-01-01T00:00:00Z")]
    public void MacrosMeanWhatVixieSays(string macro, string from, string next) =>
        Assert.Equal(Utc(next), JobSchedule.Parse(macro).Next(Utc(from)));

    [Fact]
    public void UnknownMacroIsRejected() => Assert.Contains("@hourly", Problem("@reboot"));

    [Fact]
    public void CronTzPrefixIsRejectedPointingAtTimeZone()
    {
        var problem = Problem("CRON_TZ=Europe/Berlin 0 3 * * *");
        Assert.Contains("timeZone: Europe/Berlin", problem);
        Assert.Contains("TZ=", Problem("TZ=UTC 0 3 * * *"));
    }

    [Fact]
    public void InvalidZoneIsRejected()
    {
        Assert.Contains("America/Los_Angles", Problem("0 3 * * *", zone: "America/Los_Angles"));
        Assert.Contains("IANA", Problem("0 3 * * *", zone: "Local"));
    }

    // --- B. Calendar edge cases ---

    [Fact]
    public void February29()
    {
        var s = JobSchedule.Parse("0 0 29 2 *");
        Assert.Equal(Utc("2028-02-29T00:00:00Z"), s.Next(Utc("2026-03-01T00:00:00Z")));
        Assert.Equal(Utc("2032-02-29T00:00:00Z"), s.Next(Utc("2028-02-29T00:00:00Z")));
    }

    [Fact]
    public void February29OnAMondayIsFoundDecadesAhead()
    {
        Assert.Equal(Utc("2044-02-29T00:00:00Z"), JobSchedule.Parse("0 0 29 2 1", dayMatch: DayMatch.Both).Next(Utc("2016-03-01T00:00:00Z")));
        Assert.Equal(Utc("2017-02-06T00:00:00Z"), JobSchedule.Parse("0 0 29 2 1", dayMatch: DayMatch.Either).Next(Utc("2016-03-01T00:00:00Z")));
    }

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4 *")]
    [InlineData("59 23 31 2 *")]
    public void UnreachableSchedulesAreRejected(string text) => Assert.Contains("can never fire", Problem(text));

    [Fact]
    public void Day31AndLastDay()
    {
        Assert.Equal(7, Slots(JobSchedule.Parse("0 0 31 * *"), "2026-12-31T23:00:00Z", "2027-12-31T23:00:00Z").Count);
        var last = JobSchedule.Parse("0 0 L * *");
        Assert.Equal(Utc("2027-02-28T00:00:00Z"), last.Next(Utc("2027-02-01T00:00:00Z")));
        Assert.Equal(Utc("2028-02-29T00:00:00Z"), last.Next(Utc("2028-02-01T00:00:00Z")));

        // 2026-08-15 is a Saturday: 15W is Friday the 14th; 2026-08-01 is a Saturday: 1W is Monday the 3rd.
        Assert.Equal(DayOfWeek.Saturday, new DateTime(2026, 8, 15).DayOfWeek);
        Assert.Equal(Utc("2026-08-14T00:00:00Z"), JobSchedule.Parse("0 0 15W * *").Next(Utc("2026-08-01T00:00:00Z")));
        Assert.Equal(Utc("2026-08-03T00:00:00Z"), JobSchedule.Parse("0 0 1W * *").Next(Utc("2026-07-31T00:00:00Z")));
    }

    [Fact]
    public void FifthAndLastFriday()
    {
        // 2026: January has five Fridays (30th), February has four; the next fifth Friday after January is May 29.
        var fifth = JobSchedule.Parse("0 0 * * 5#5");
        Assert.Equal(Utc("2026-01-30T00:00:00Z"), fifth.Next(Utc("2026-01-01T00:00:00Z")));
        Assert.Equal(Utc("2026-05-29T00:00:00Z"), fifth.Next(Utc("2026-01-30T00:00:00Z")));
        Assert.Equal(Utc("2026-02-27T00:00:00Z"), JobSchedule.Parse("0 0 * * 5L").Next(Utc("2026-02-01T00:00:00Z")));
    }

    // --- C. Time zones and DST ---

    [Fact]
    public void NewYorkGapFixedTimeRunsAtTheEndOfTheGap()
    {
        Premise("America/New_York", "2026-03-08T06:59:00Z", "-05:00");
        Premise("America/New_York", "2026-03-08T07:00:00Z", "-04:00");
        var s = JobSchedule.Parse("30 2 * * *", timeZone: "America/New_York");
        Assert.Equal(Utc("2026-03-08T07:00:00Z"), s.Next(Utc("2026-03-07T17:00:00Z")));
        Assert.Equal(Utc("2026-03-09T06:30:00Z"), s.Next(Utc("2026-03-08T07:00:00Z")));
    }

    [Fact]
    public void NewYorkGapSeveralTimesInsideItRunOnce()
    {
        Premise("America/New_York", "2026-03-08T07:00:00Z", "-04:00");
        var s = JobSchedule.Parse("0 0,30 2 * * *", seconds: true, timeZone: "America/New_York");
        Assert.Equal([Utc("2026-03-08T07:00:00Z")], Slots(s, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"));
    }

    [Fact]
    public void NewYorkGapInterval()
    {
        Premise("America/New_York", "2026-03-08T06:45:00Z", "-05:00");
        var s = JobSchedule.Parse("*/30 * * * *", timeZone: "America/New_York");
        Assert.Equal(Utc("2026-03-08T07:00:00Z"), s.Next(Utc("2026-03-08T06:45:00Z")));

        // Local 00:00, 00:30, 01:00, 01:30, 03:00, 03:30, 04:00.
        var slots = Slots(s, "2026-03-08T04:59:59Z", "2026-03-08T08:00:00Z");
        Assert.Equal(7, slots.Count);
        Assert.Equal(Utc("2026-03-08T07:00:00Z"), slots[4]);
    }

    [Fact]
    public void NewYorkOverlapFixedTimeRunsOnceInTheFirstPass()
    {
        Premise("America/New_York", "2026-11-01T05:30:00Z", "-04:00");
        Premise("America/New_York", "2026-11-01T06:30:00Z", "-05:00");
        var s = JobSchedule.Parse("30 1 * * *", timeZone: "America/New_York");
        Assert.Equal([Utc("2026-11-01T05:30:00Z")], Slots(s, "2026-11-01T04:00:00Z", "2026-11-01T12:00:00Z"));
        Assert.Equal(Utc("2026-11-01T05:30:00Z"), s.Latest(Utc("2026-11-01T07:00:00Z")));
        Assert.Equal([Utc("2026-11-01T05:30:00Z")], s.Descending(Utc("2026-11-01T04:00:00Z"), Utc("2026-11-01T12:00:00Z")).ToList());
    }

    [Fact]
    public void NewYorkOverlapIntervalRunsInBothPasses()
    {
        Premise("America/New_York", "2026-11-01T05:30:00Z", "-04:00");
        Premise("America/New_York", "2026-11-01T06:30:00Z", "-05:00");
        var halfHour = JobSchedule.Parse("*/30 * * * *", timeZone: "America/New_York");
        Assert.Equal(
            [Utc("2026-11-01T05:00:00Z"), Utc("2026-11-01T05:30:00Z"), Utc("2026-11-01T06:00:00Z"), Utc("2026-11-01T06:30:00Z")],
            Slots(halfHour, "2026-11-01T04:59:59Z", "2026-11-01T06:30:00Z"));

        // The Cronos rule, pinned: '0 * * * *' runs at 01:00 EDT and again at 01:00 EST.
        var hourly = JobSchedule.Parse("0 * * * *", timeZone: "America/New_York");
        Assert.Equal([Utc("2026-11-01T05:00:00Z"), Utc("2026-11-01T06:00:00Z")], Slots(hourly, "2026-11-01T04:59:59Z", "2026-11-01T06:59:00Z"));
        Assert.Equal(Slots(hourly, "2026-11-01T00:00:00Z", "2026-11-01T12:00:00Z"),
            hourly.Descending(Utc("2026-11-01T00:00:00Z"), Utc("2026-11-01T12:00:00Z")).Reverse().ToList());
    }

    [Fact]
    public void LordHoweThirtyMinuteShifts()
    {
        Premise("Australia/Lord_Howe", "2026-10-03T15:29:00Z", "+10:30");
        Premise("Australia/Lord_Howe", "2026-10-03T15:30:00Z", "+11:00");
        Premise("Australia/Lord_Howe", "2026-04-04T14:59:00Z", "+11:00");
        Premise("Australia/Lord_Howe", "2026-04-04T15:00:00Z", "+10:30");

        // Gap 02:00–02:29 local on 2026-10-04: 02:15 runs at 02:30+11:00.
        Assert.Equal(Utc("2026-10-03T15:30:00Z"), JobSchedule.Parse("15 2 * * *", timeZone: "Australia/Lord_Howe").Next(Utc("2026-10-03T00:00:00Z")));

        // 01:30–01:59 twice on 2026-04-05: 01:45 runs once, in the first pass (+11:00).
        Assert.Equal([Utc("2026-04-04T14:45:00Z")], Slots(JobSchedule.Parse("45 1 * * *", timeZone: "Australia/Lord_Howe"), "2026-04-04T12:00:00Z", "2026-04-05T12:00:00Z"));
    }

    [Fact]
    public void SantiagoMidnightGapAndOverlap()
    {
        Premise("America/Santiago", "2026-09-06T03:59:00Z", "-04:00");
        Premise("America/Santiago", "2026-09-06T04:00:00Z", "-03:00");
        Premise("America/Santiago", "2026-04-05T02:59:00Z", "-03:00");
        Premise("America/Santiago", "2026-04-05T03:00:00Z", "-04:00");
        Assert.Equal(DayOfWeek.Sunday, new DateTime(2026, 9, 6).DayOfWeek);

        // Midnight does not exist on 2026-09-06: 00:00 runs at 01:00-03:00, not the next day or year.
        Assert.Equal(Utc("2026-09-06T04:00:00Z"), JobSchedule.Parse("0 0 * * *", timeZone: "America/Santiago").Next(Utc("2026-09-05T12:00:00Z")));
        Assert.Equal(Utc("2026-09-06T04:00:00Z"), JobSchedule.Parse("0 0 * * 0", timeZone: "America/Santiago").Next(Utc("2026-09-05T12:00:00Z")));

        // 23:00–23:59 twice on 2026-04-04: 23:30 runs once (first pass, -03:00).
        Assert.Equal([Utc("2026-04-05T02:30:00Z")], Slots(JobSchedule.Parse("30 23 * * *", timeZone: "America/Santiago"), "2026-04-04T12:00:00Z", "2026-04-05T12:00:00Z"));
    }

    [Fact]
    public void SydneyDailyJobKeepsItsWallTime()
    {
        Premise("Australia/Sydney", "2026-04-04T12:00:00Z", "+11:00");
        Premise("Australia/Sydney", "2026-04-05T12:00:00Z", "+10:00");
        var slots = Slots(JobSchedule.Parse("0 9 * * *", timeZone: "Australia/Sydney"), "2026-04-03T00:00:00Z", "2026-04-06T00:00:00Z");
        // 09:00 local each day: 09:00+11:00, then (after 03:00 AEDT became 02:00 AEST) 09:00+10:00: one "day" is 25 h.
        Assert.Equal([Utc("2026-04-03T22:00:00Z"), Utc("2026-04-04T23:00:00Z"), Utc("2026-04-05T23:00:00Z")], slots);
        Assert.Equal(TimeSpan.FromHours(25), slots[1] - slots[0]);
        Assert.Equal(TimeSpan.FromHours(24), slots[2] - slots[1]);
    }

    [Fact]
    public void TheModelIsUtcOnly()
    {
        var s = JobSchedule.Parse("0 9 * * *", timeZone: "Europe/Berlin");
        var next = s.Next(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.FromHours(5)));
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
        Assert.Equal(Utc("2026-01-01T08:00:00Z"), next);
    }
}
