using System.Globalization;
using System.Text.RegularExpressions;

namespace ServerlessDocker.Gateway.Configuration;

/// <summary>Parses the human-friendly durations (<c>10s</c>, <c>500ms</c>) and sizes (<c>128m</c>, <c>1MiB</c>) of functions.yaml.</summary>
internal static partial class Quantities
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    /// <summary>Parses a duration; a bare number means seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        value = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "m" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            _ => TimeSpan.FromSeconds(number),
        };
        return true;
    }

    /// <summary>Parses a size in bytes; suffixes are binary (k = 1024), like Docker's memory flags.</summary>
    public static bool TryParseSize(string text, out long value)
    {
        value = default;
        var match = SizePattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var factor = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" or "kb" or "kib" => 1024d,
            "m" or "mb" or "mib" => 1024d * 1024,
            "g" or "gb" or "gib" => 1024d * 1024 * 1024,
            _ => 1d,
        };
        value = (long)(number * factor);
        return true;
    }
}
