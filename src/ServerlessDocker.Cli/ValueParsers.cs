using System.Globalization;

namespace ServerlessDocker.Cli;

/// <summary>Parses the CLI's human-friendly values (durations, sizes, K=V pairs) with messages that say what is valid.</summary>
internal static class ValueParsers
{
    /// <summary>"30s", "1m30s", "500ms", "2h", or plain seconds ("10").</summary>
    public static TimeSpan Duration(string option, string text)
    {
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var total = TimeSpan.Zero;
        var i = 0;
        var any = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && char.IsLetter(s[i]))
            {
                i++;
            }

            if (start == unitStart || unitStart == i ||
                !double.TryParse(s[start..unitStart], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                throw Invalid();
            }

            total += s[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => throw Invalid(),
            };
            any = true;
        }

        return any && total > TimeSpan.Zero ? total : throw Invalid();

        InvalidCommandException Invalid() =>
            new(option, $"'{text}' is not a duration; use for example 30s, 1m30s, 500ms or 2h.");
    }

    /// <summary>"64m", "1g", "512k", "1048576" (bytes), as docker reads --memory.</summary>
    public static long Size(string option, string text)
    {
        var s = text.Trim().ToLowerInvariant();
        if (s.EndsWith('b') && s.Length > 1 && !char.IsDigit(s[^2]))
        {
            s = s[..^1];
        }

        long multiplier = s.Length == 0 ? 1 : s[^1] switch
        {
            'k' => 1024L,
            'm' => 1024L * 1024,
            'g' => 1024L * 1024 * 1024,
            't' => 1024L * 1024 * 1024 * 1024,
            _ => 1,
        };
        var number = multiplier == 1 ? s : s[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 ||
            double.IsInfinity(value))
        {
            throw new InvalidCommandException(option, $"'{text}' is not a size; use for example 64m, 512k or 1g.");
        }

        return (long)(value * multiplier);
    }

    /// <summary>"KEY=VALUE"; a bare "KEY" takes the value from sdock's own environment, as docker does.</summary>
    public static KeyValuePair<string, string> KeyValue(string option, string text, bool fromEnvironment)
    {
        var eq = text.IndexOf('=');
        if (eq == 0 || text.Length == 0)
        {
            throw new InvalidCommandException(option, $"'{text}' needs a name; use NAME=VALUE.");
        }

        if (eq < 0)
        {
            return fromEnvironment
                ? new(text, Environment.GetEnvironmentVariable(text) ?? "")
                : new(text, "");
        }

        return new(text[..eq], text[(eq + 1)..]);
    }
}
