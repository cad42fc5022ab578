using System.CommandLine;
using System.Globalization;

namespace ServerlessDocker.Cli;

/// <summary>Parses the CLI's human-friendly values (durations, sizes, K=V pairs) with messages that say what is valid.</summary>
internal static class ValueParsers
{
    /// <summary>"30s", "1m30s", "500ms", "2h", or plain seconds ("10"); more than zero (see <see cref="Quantities"/>).</summary>
    public static TimeSpan Duration(string option, string text)
    {
        var value = Quantities.ParseDuration(option, text);
        return value > TimeSpan.Zero
            ? value
            : throw new InvalidCommandException(option, $"'{text}' is not a positive duration; {Quantities.DurationForms}.");
    }

    /// <summary>"64m", "1g", "512k", "1048576" (bytes), as docker reads --memory; more than zero.</summary>
    public static long Size(string option, string text)
    {
        var value = Quantities.ParseSize(option, text);
        return value > 0
            ? value
            : throw new InvalidCommandException(option, $"'{text}' is not a positive size; {Quantities.SizeForms}.");
    }

    /// <summary>"0.5", "2": a number of CPUs the engine accepts.</summary>
    public static double Cpus(string option, string text) => Quantities.ParseCpus(option, text);

    /// <summary>
    /// An option that takes a whole number of at least <paramref name="min"/>, with an error that names the option and
    /// the value (System.CommandLine's own names the .NET type).
    /// </summary>
    public static Option<T?> WholeNumber<T>(string name, string description, T min, string example)
        where T : struct, System.Numerics.IBinaryInteger<T> => new(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min)
                {
                    return value;
                }

                result.AddError($"{name}: '{text}' is not a whole number of {min} or more; for example {name} {example}.");
                return null;
            },
        };

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
