using System.Globalization;
using Cronos;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// When a job's slots are: a cron expression (Cronos) in an IANA zone, or <c>@every DURATION</c> (multiples of the
/// duration since the Unix epoch, so every scheduler computes the same slots). All inputs and outputs are UTC instants.
/// </summary>
/// <remarks>
/// <para>DST follows Cronos: a time in a spring-forward gap runs at the end of the gap, a fixed-time job runs once in a
/// fall-back overlap (its first pass), an interval job (<c>*/30 * * * *</c>, <c>0 * * * *</c>) runs in both passes.</para>
/// <para>Day-of-month together with day-of-week means different things in different cron dialects (Vixie/k8s: either
/// day; Cronos: both), so an expression restricting both needs <see cref="DayMatch"/> stated explicitly.</para>
/// </remarks>
public sealed class JobSchedule
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "write 5 fields 'minute hour day-of-month month day-of-week' (for example '*/15 * * * *'), "
        + "a macro (@hourly, @daily, @weekly, @monthly, @yearly) or '@every DURATION' (for example '@every 90m')";

    private static readonly string[] Macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    // Cronos searches a finite range; any date after this one tells whether an expression can ever fire (it has no year field).
    private static readonly DateTime ReachabilityProbe = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly CronExpression[] _expressions;
    private readonly TimeSpan? _every;

    private JobSchedule(string text, TimeZoneInfo zone, CronExpression[] expressions, TimeSpan? every, string fingerprint)
    {
        Text = text;
        Zone = zone;
        _expressions = expressions;
        _every = every;
        Fingerprint = fingerprint;
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>The zone cron fields are read in (UTC by default; irrelevant to <c>@every</c>).</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>With <c>@every</c>: the interval; otherwise null.</summary>
    public TimeSpan? Interval => _every;

    /// <summary>Identifies what the schedule means (text, seconds flag, zone, day matching): a change means an edit.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Parses a schedule, or returns false with one line saying what is wrong and what to write instead.
    /// </summary>
    /// <param name="text">The expression.</param>
    /// <param name="seconds">Whether a 6-field expression (seconds first) is intended.</param>
    /// <param name="timeZone">An IANA zone id, or null for UTC.</param>
    /// <param name="dayMatch">How day-of-month and day-of-week combine when both are restricted; null when not stated.</param>
    /// <param name="schedule">The schedule when valid.</param>
    /// <param name="problem">Why it is not valid; null when valid.</param>
    public static bool TryParse(string text, bool seconds, string? timeZone, DayMatch? dayMatch, out JobSchedule? schedule, out string? problem)
    {
        schedule = null;
        problem = Parse(text.Trim(), seconds, timeZone, dayMatch, ref schedule);
        return problem is null;
    }

    /// <summary>Parses a schedule or throws <see cref="ArgumentException"/> (for code and tests).</summary>
    public static JobSchedule Parse(string text, bool seconds = false, string? timeZone = null, DayMatch? dayMatch = null) =>
        TryParse(text, seconds, timeZone, dayMatch, out var schedule, out var problem) ? schedule! : throw new ArgumentException(problem, nameof(text));

    /// <summary>Finds an IANA zone, or returns false with why not.</summary>
    public static bool TryFindZone(string id, out TimeZoneInfo zone, out string? problem)
    {
        zone = TimeZoneInfo.Utc;
        problem = null;
        if (id.Length == 0 || id.Equals("Local", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"timeZone '{id}' is not an IANA zone; write for example 'UTC', 'Europe/Berlin' or 'America/New_York'";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            problem = $"timeZone '{id}' is not a known IANA zone (is tzdata installed?); write for example 'UTC', 'Europe/Berlin' or 'America/New_York'";
            return false;
        }
    }

    /// <summary>The first slot strictly after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (_every is { } every)
        {
            var k = FloorDiv(after.UtcTicks - DateTime.UnixEpoch.Ticks, every.Ticks) + 1;
            return new DateTimeOffset(DateTime.UnixEpoch.Ticks + (k * every.Ticks), TimeSpan.Zero);
        }

        DateTimeOffset? best = null;
        foreach (var e in _expressions)
        {
            if (e.GetNextOccurrence(after.UtcDateTime, Zone, inclusive: false) is { } next && (best is null || next < best.Value.UtcDateTime))
            {
                best = new DateTimeOffset(next, TimeSpan.Zero);
            }
        }

        return best;
    }

    /// <summary>The last slot at or before <paramref name="atOrBefore"/>, or null when there is none.</summary>
    public DateTimeOffset? Latest(DateTimeOffset atOrBefore)
    {
        if (_every is { } every)
        {
            var k = FloorDiv(atOrBefore.UtcTicks - DateTime.UnixEpoch.Ticks, every.Ticks);
            return new DateTimeOffset(DateTime.UnixEpoch.Ticks + (k * every.Ticks), TimeSpan.Zero);
        }

        DateTimeOffset? best = null;
        foreach (var e in _expressions)
        {
            if (e.GetPreviousOccurrence(atOrBefore.UtcDateTime, Zone, inclusive: true) is { } prev && (best is null || prev > best.Value.UtcDateTime))
            {
                best = new DateTimeOffset(prev, TimeSpan.Zero);
            }
        }

        return best;
    }

    /// <summary>The slots in (<paramref name="afterExclusive"/>, <paramref name="toInclusive"/>], newest first (lazy).</summary>
    public IEnumerable<DateTimeOffset> Descending(DateTimeOffset afterExclusive, DateTimeOffset toInclusive)
    {
        var cursor = Latest(toInclusive);
        while (cursor is { } slot && slot > afterExclusive)
        {
            yield return slot;
            cursor = Latest(slot - TimeSpan.FromTicks(1));
        }
    }

    /// <summary>The slots in (<paramref name="afterExclusive"/>, <paramref name="toInclusive"/>], oldest first (lazy).</summary>
    public IEnumerable<DateTimeOffset> Ascending(DateTimeOffset afterExclusive, DateTimeOffset toInclusive)
    {
        var cursor = Next(afterExclusive);
        while (cursor is { } slot && slot <= toInclusive)
        {
            yield return slot;
            cursor = Next(slot);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private static string? Parse(string text, bool seconds, string? timeZone, DayMatch? dayMatch, ref JobSchedule? schedule)
    {
        if (text.Length == 0)
        {
            return $"schedule is empty; {Forms}";
        }

        if (text.StartsWith("CRON_TZ=", StringComparison.OrdinalIgnoreCase) || text.StartsWith("TZ=", StringComparison.OrdinalIgnoreCase))
        {
            var prefix = text.Split(' ', 2)[0];
            return $"schedule '{text}' starts with '{prefix}', which is not supported; write the zone as 'timeZone: {prefix[(prefix.IndexOf('=') + 1)..]}' and the schedule without the prefix";
        }

        var zone = TimeZoneInfo.Utc;
        if (timeZone is not null && !TryFindZone(timeZone, out zone, out var zoneProblem))
        {
            return zoneProblem;
        }

        var fingerprint = string.Join('|', text, seconds ? "s" : "", zone.Id, dayMatch?.ToString() ?? "");
        if (text.StartsWith("@every", StringComparison.OrdinalIgnoreCase))
        {
            return ParseEvery(text, zone, fingerprint, ref schedule);
        }

        if (text.StartsWith('@'))
        {
            if (!Macros.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                return $"schedule macro '{text}' is not known; use @hourly, @daily, @weekly, @monthly, @yearly or '@every DURATION'";
            }

            if (dayMatch is not null)
            {
                return $"'dayMatch' applies only to an expression that sets both day-of-month and day-of-week, not to '{text}'; remove it";
            }

            return Build(text, [CronExpression.Parse(text, CronFormat.Standard)], zone, fingerprint, ref schedule);
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 6 && !seconds)
        {
            return $"schedule '{text}' has 6 fields, which cron dialects read differently (seconds first in Quartz, ofelia and Cronos; "
                + "a year last in Nomad); if the first field is seconds, add 'seconds: true', otherwise write 5 fields 'minute hour day-of-month month day-of-week'";
        }

        if (fields.Length != (seconds ? 6 : 5))
        {
            return seconds
                ? $"schedule '{text}' has {fields.Length} fields; with 'seconds: true' write 6: 'second minute hour day-of-month month day-of-week'"
                : $"schedule '{text}' has {fields.Length} fields; {Forms}";
        }

        var format = seconds ? CronFormat.IncludeSeconds : CronFormat.Standard;
        var offset = seconds ? 1 : 0;
        var dom = fields[offset + 2];
        var dow = fields[offset + 4];
        var both = dom is not ("*" or "?") && dow is not ("*" or "?");
        CronExpression[] expressions;
        try
        {
            if (!both)
            {
                if (dayMatch is not null)
                {
                    return $"'dayMatch' applies only when both day-of-month and day-of-week are set, and '{text}' sets at most one; remove it";
                }

                expressions = [CronExpression.Parse(text, format)];
            }
            else if (dayMatch is null)
            {
                var domOnly = string.Join(' ', fields.Select((f, i) => i == offset + 4 ? "*" : f));
                var dowOnly = string.Join(' ', fields.Select((f, i) => i == offset + 2 ? "*" : f));
                return $"schedule '{text}' sets both day-of-month ({dom}) and day-of-week ({dow}), which cron dialects read differently "
                    + $"(Vixie and Kubernetes: either day; Cronos: both days); add 'dayMatch: either' (runs like '{domOnly}' plus '{dowOnly}') "
                    + "or 'dayMatch: both' (only days matching both)";
            }
            else if (dayMatch == DayMatch.Both)
            {
                expressions = [CronExpression.Parse(text, format)];
            }
            else
            {
                expressions =
                [
                    CronExpression.Parse(string.Join(' ', fields.Select((f, i) => i == offset + 4 ? "*" : f)), format),
                    CronExpression.Parse(string.Join(' ', fields.Select((f, i) => i == offset + 2 ? "*" : f)), format),
                ];
            }
        }
        catch (CronFormatException ex)
        {
            return $"schedule '{text}' is not a valid cron expression ({ex.Message.TrimEnd('.')}); {Forms}";
        }

        return Build(text, expressions, zone, fingerprint, ref schedule);
    }

    private static string? Build(string text, CronExpression[] expressions, TimeZoneInfo zone, string fingerprint, ref JobSchedule? schedule)
    {
        if (expressions.All(e => e.GetNextOccurrence(ReachabilityProbe, zone) is null))
        {
            return $"schedule '{text}' can never fire (no date matches it, as with February 30 or April 31); check its day-of-month and month fields";
        }

        schedule = new JobSchedule(text, zone, expressions, null, fingerprint);
        return null;
    }

    private static string? ParseEvery(string text, TimeZoneInfo zone, string fingerprint, ref JobSchedule? schedule)
    {
        var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0] != "@every")
        {
            return $"schedule '{text}' must be '@every DURATION', for example '@every 90m' or '@every 2s'";
        }

        if (!Quantities.TryParseDuration(parts[1], out var every, out var problem))
        {
            return $"schedule '{text}': {problem}";
        }

        if (every < TimeSpan.FromSeconds(1) || every.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return $"schedule '{text}': the interval must be a whole number of seconds, at least 1s (for example '@every 2s' or '@every 1m30s')";
        }

        schedule = new JobSchedule(text, zone, [], every, fingerprint);
        return null;
    }
}

/// <summary>How a cron expression that sets both day-of-month and day-of-week matches days.</summary>
public enum DayMatch
{
    /// <summary>A day matching either field (Vixie cron, Kubernetes): <c>0 0 13 * 5</c> is the 13th and every Friday.</summary>
    Either,

    /// <summary>A day matching both fields (Cronos): <c>0 0 13 * 5</c> is Friday the 13th.</summary>
    Both,
}

internal static class SlotFormat
{
    /// <summary>The slot as SDOCK_SCHEDULED_TIME: <c>yyyy-MM-ddTHH:mm:ssZ</c> in UTC.</summary>
    public static string Env(DateTimeOffset slot) => slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The slot in a run name: <c>yyyyMMddTHHmmssZ</c>.</summary>
    public static string Compact(DateTimeOffset slot) => slot.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
