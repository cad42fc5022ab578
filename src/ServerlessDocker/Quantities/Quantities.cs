using System.Globalization;

namespace ServerlessDocker;

/// <summary>
/// The one grammar for durations, sizes and CPU counts shared by the CLI, functions.yaml and the proxy policy.
/// </summary>
/// <remarks>
/// <para>Durations read like Go's and docker's: <c>30s</c>, <c>1m30s</c>, <c>500ms</c>, <c>2h</c>, <c>1.5s</c>, with units
/// <c>ns</c>, <c>us</c>, <c>ms</c>, <c>s</c>, <c>m</c> and <c>h</c>; a bare number means seconds (<c>10</c>, <c>2.5</c>).</para>
/// <para>Sizes read like docker's <c>--memory</c>: a number of bytes (<c>512</c>) or a number with a binary unit
/// (<c>64k</c>, <c>1MiB</c>, <c>1.5g</c>, <c>1GB</c>; k, m, g and t with optional <c>b</c> or <c>ib</c>; every unit is a power of 1024).</para>
/// <para>Units are case-insensitive and may be separated from the number by spaces. Negative, infinite, NaN and
/// overflowing values are refused, and so is a positive value that rounds to nothing.</para>
/// </remarks>
public static class Quantities
{
    /// <summary>The accepted forms of a duration, for messages.</summary>
    public const string DurationForms = "use for example 30s, 1m30s, 500ms, 1.5s or 2h (a bare number means seconds)";

    /// <summary>The accepted forms of a size, for messages.</summary>
    public const string SizeForms = "use for example 512 (bytes), 64k, 128m, 1MiB, 1.5g or 1GB (units are powers of 1024)";

    /// <summary>The smallest CPU count accepted (the engine's own lower bound).</summary>
    public const double MinCpus = 0.01;

    /// <summary>The largest CPU count accepted.</summary>
    public const double MaxCpus = 1_000_000;

    /// <summary>Parses a duration, or returns false (with the reason in <paramref name="problem"/>).</summary>
    /// <param name="text">The text, for example <c>1m30s</c>.</param>
    /// <param name="value">The duration (zero or more) when the text is valid.</param>
    /// <param name="problem">Why the text is not valid, naming it and the accepted forms; null when valid.</param>
    public static bool TryParseDuration(string? text, out TimeSpan value, out string? problem)
    {
        value = default;
        problem = DurationProblem(text, ref value);
        return problem is null;
    }

    /// <summary>Parses a duration (see <see cref="Quantities"/>), or returns false.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan value) => TryParseDuration(text, out value, out _);

    /// <summary>Parses a duration or throws.</summary>
    /// <param name="setting">The option, key or variable the text came from, named in the error.</param>
    /// <param name="text">The text, for example <c>1m30s</c>.</param>
    /// <exception cref="InvalidCommandException">The text is not a duration, is negative or too large.</exception>
    public static TimeSpan ParseDuration(string setting, string text) =>
        TryParseDuration(text, out var value, out var problem) ? value : throw new InvalidCommandException(setting, problem!);

    /// <summary>Parses a size in bytes, or returns false (with the reason in <paramref name="problem"/>).</summary>
    /// <param name="text">The text, for example <c>64m</c>.</param>
    /// <param name="value">The size in bytes (zero or more) when the text is valid.</param>
    /// <param name="problem">Why the text is not valid, naming it and the accepted forms; null when valid.</param>
    public static bool TryParseSize(string? text, out long value, out string? problem)
    {
        value = default;
        problem = SizeProblem(text, ref value);
        return problem is null;
    }

    /// <summary>Parses a size in bytes (see <see cref="Quantities"/>), or returns false.</summary>
    public static bool TryParseSize(string? text, out long value) => TryParseSize(text, out value, out _);

    /// <summary>Parses a size in bytes or throws.</summary>
    /// <param name="setting">The option, key or variable the text came from, named in the error.</param>
    /// <param name="text">The text, for example <c>64m</c>.</param>
    /// <exception cref="InvalidCommandException">The text is not a size, is negative or too large.</exception>
    public static long ParseSize(string setting, string text) =>
        TryParseSize(text, out var value, out var problem) ? value : throw new InvalidCommandException(setting, problem!);

    /// <summary>Parses a CPU count (<c>0.5</c>, <c>2</c>) between <see cref="MinCpus"/> and <see cref="MaxCpus"/>, or returns false.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The CPU count when the text is valid.</param>
    /// <param name="problem">Why the text is not valid; null when valid.</param>
    public static bool TryParseCpus(string? text, out double value, out string? problem)
    {
        value = default;
        problem = null;
        var s = text?.Trim() ?? "";
        var end = ScanNumber(s, 0);
        if (end != s.Length || end == 0 || !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var cpus))
        {
            problem = $"'{text}' is not a number of CPUs; use for example 0.5 or 2.";
            return false;
        }

        return CheckCpus(text!, cpus, out value, out problem);
    }

    /// <summary>Checks a CPU count given as a number (for example a YAML float), or returns false.</summary>
    /// <param name="display">How the value was written, named in the error.</param>
    /// <param name="cpus">The count.</param>
    /// <param name="value">The count when valid.</param>
    /// <param name="problem">Why the count is not valid; null when valid.</param>
    public static bool CheckCpus(string display, double cpus, out double value, out string? problem)
    {
        value = default;
        problem = null;
        if (!double.IsFinite(cpus) || cpus < MinCpus || cpus > MaxCpus)
        {
            problem = $"'{display}' is out of range; a number of CPUs is between {MinCpus.ToString(CultureInfo.InvariantCulture)} and {MaxCpus.ToString(CultureInfo.InvariantCulture)}, for example 0.5 or 2.";
            return false;
        }

        value = cpus;
        return true;
    }

    /// <summary>Parses a CPU count or throws.</summary>
    /// <param name="setting">The option or key the text came from, named in the error.</param>
    /// <param name="text">The text, for example <c>0.5</c>.</param>
    /// <exception cref="InvalidCommandException">The text is not a number, or is out of range.</exception>
    public static double ParseCpus(string setting, string text) =>
        TryParseCpus(text, out var value, out var problem) ? value : throw new InvalidCommandException(setting, problem!);

    private static string? DurationProblem(string? text, ref TimeSpan value)
    {
        var invalid = $"'{text}' is not a duration; {DurationForms}.";
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            return invalid;
        }

        var seconds = 0d;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            i = ScanNumber(s, i);
            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                return invalid;
            }

            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && char.IsLetter(s[i]))
            {
                i++;
            }

            var unit = s[unitStart..i].ToLowerInvariant();
            if (unit.Length == 0 && (start != 0 || i != s.Length))
            {
                // A bare number is seconds only on its own: "1m30" is ambiguous.
                return invalid;
            }

            double? factor = unit switch
            {
                "" or "s" => 1,
                "ns" => 1e-9,
                "us" or "µs" => 1e-6,
                "ms" => 1e-3,
                "m" => 60,
                "h" => 3600,
                _ => null,
            };
            if (factor is null)
            {
                return invalid;
            }

            seconds += n * factor.Value;
            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }
        }

        // TimeSpan.MaxValue in seconds, kept a little inside so rounding cannot overflow.
        if (!double.IsFinite(seconds) || seconds >= TimeSpan.MaxValue.TotalSeconds)
        {
            return $"'{text}' is too long a duration (the most is about {(long)TimeSpan.MaxValue.TotalDays} days); {DurationForms}.";
        }

        var ticks = (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
        if (ticks == 0 && seconds > 0)
        {
            return $"'{text}' is shorter than the smallest duration (100ns); {DurationForms}.";
        }

        value = TimeSpan.FromTicks(ticks);
        return null;
    }

    private static string? SizeProblem(string? text, ref long value)
    {
        var invalid = $"'{text}' is not a size; {SizeForms}.";
        var s = text?.Trim() ?? "";
        var end = ScanNumber(s, 0);
        if (end == 0 || !double.TryParse(s.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return invalid;
        }

        double? factor = s[end..].Trim().ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1024d,
            "m" or "mb" or "mib" => 1024d * 1024,
            "g" or "gb" or "gib" => 1024d * 1024 * 1024,
            "t" or "tb" or "tib" => 1024d * 1024 * 1024 * 1024,
            _ => null,
        };
        if (factor is null)
        {
            return invalid;
        }

        var bytes = n * factor.Value;
        // 2^63 is the first double above long.MaxValue.
        if (!double.IsFinite(bytes) || bytes >= 9.2233720368547758E18)
        {
            return $"'{text}' is too large a size (the most is {long.MaxValue} bytes, about 8 EiB); {SizeForms}.";
        }

        var whole = (long)bytes;
        if (whole == 0 && bytes > 0)
        {
            return $"'{text}' is less than one byte; {SizeForms}.";
        }

        value = whole;
        return null;
    }

    /// <summary>Scans an unsigned decimal (<c>12</c>, <c>1.5</c>, <c>.5</c>, <c>1e3</c>) from <paramref name="i"/>; returns where it ends.</summary>
    private static int ScanNumber(string s, int i)
    {
        var start = i;
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            var dot = i++;
            var fraction = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                fraction++;
            }

            if (fraction == 0 && digits == 0)
            {
                return start;
            }

            digits += fraction;
            if (fraction == 0 && i < s.Length && s[i] == '.')
            {
                return dot;
            }
        }

        if (digits == 0)
        {
            return start;
        }

        // An exponent only when digits follow, so "1e" stays invalid rather than eating a unit.
        if (i + 1 < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            var j = i + 1;
            if (j < s.Length && (s[j] == '+' || s[j] == '-'))
            {
                j++;
            }

            var expStart = j;
            while (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                j++;
            }

            if (j > expStart)
            {
                i = j;
            }
        }

        return i;
    }
}
