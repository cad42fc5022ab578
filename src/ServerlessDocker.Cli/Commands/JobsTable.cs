using System.Globalization;
using System.Text.Json;

namespace ServerlessDocker.Cli.Commands;

/// <summary>The docker-like tables of `sdock jobs list` and `sdock jobs history`.</summary>
internal static class JobsTable
{
    public static void WriteJobs(TextWriter output, JsonElement jobs, DateTimeOffset now)
    {
        var rows = new List<string[]> { new[] { "NAME", "SCHEDULE", "TIMEZONE", "NEXT RUN", "RUNNING", "LAST RUN", "LAST STATUS" } };
        foreach (var job in jobs.EnumerateArray())
        {
            var last = job.GetProperty("lastRuns").EnumerateArray().FirstOrDefault();
            rows.Add([
                Str(job, "name"),
                Str(job, "schedule"),
                Str(job, "timeZone"),
                job.GetProperty("suspended").GetBoolean() ? "suspended" : Next(job.GetProperty("nextRun"), now),
                job.GetProperty("running").GetArrayLength().ToString(CultureInfo.InvariantCulture),
                last.ValueKind == JsonValueKind.Object ? Str(last, "slot") : "-",
                last.ValueKind == JsonValueKind.Object ? Str(last, "status") : "-",
            ]);
        }

        Write(output, rows);
    }

    public static void WriteRuns(TextWriter output, JsonElement runs)
    {
        var rows = new List<string[]> { new[] { "SLOT", "ATTEMPT", "STATUS", "EXIT", "DURATION", "NODE", "RUN NAME", "REASON" } };
        foreach (var run in runs.EnumerateArray())
        {
            var slots = run.GetProperty("slots").GetInt64();
            rows.Add([
                slots > 1 ? $"{Str(run, "slot")}..{Str(run, "slotTo")} ({slots})" : Str(run, "slot"),
                run.GetProperty("attempt").GetInt32().ToString(CultureInfo.InvariantCulture),
                Str(run, "status"),
                run.GetProperty("exitCode") is { ValueKind: JsonValueKind.Number } code ? code.GetInt64().ToString(CultureInfo.InvariantCulture) : "-",
                Duration(run),
                Str(run, "node"),
                Str(run, "runName"),
                Fit(Str(run, "reason").ReplaceLineEndings(" "), 60),
            ]);
        }

        Write(output, rows);
    }

    private static string Next(JsonElement next, DateTimeOffset now)
    {
        if (next.ValueKind != JsonValueKind.String || !next.TryGetDateTimeOffset(out var at))
        {
            return "never";
        }

        var wait = at - now;
        var relative = wait <= TimeSpan.Zero ? "now"
            : wait < TimeSpan.FromMinutes(2) ? $"in {Math.Ceiling(wait.TotalSeconds)}s"
            : wait < TimeSpan.FromHours(2) ? $"in {Math.Round(wait.TotalMinutes)}m"
            : wait < TimeSpan.FromDays(2) ? $"in {Math.Round(wait.TotalHours)}h"
            : $"in {Math.Round(wait.TotalDays)}d";
        return $"{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} ({relative})";
    }

    private static string Duration(JsonElement run)
    {
        if (run.GetProperty("startedAt") is not { ValueKind: JsonValueKind.String } s || !s.TryGetDateTimeOffset(out var start))
        {
            return "-";
        }

        if (run.GetProperty("finishedAt") is not { ValueKind: JsonValueKind.String } f || !f.TryGetDateTimeOffset(out var end))
        {
            return "running";
        }

        var d = end - start;
        return d < TimeSpan.FromMinutes(1) ? $"{d.TotalSeconds:0.0}s".Replace(',', '.') : d < TimeSpan.FromHours(1) ? $"{(int)d.TotalMinutes}m{d.Seconds:00}s" : $"{(int)d.TotalHours}h{d.Minutes:00}m";
    }

    private static string Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : "-";

    private static string Fit(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";

    // Columns as wide as their widest cell plus three spaces, as docker prints them; the last is not padded.
    private static void Write(TextWriter output, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length) + 3).ToArray();
        foreach (var row in rows)
        {
            output.WriteLine(string.Concat(row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
