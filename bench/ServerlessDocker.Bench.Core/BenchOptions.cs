using System.Globalization;

namespace ServerlessDocker.Bench.Core;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record BenchOptions(int Iterations, int Warmup, string Image, IReadOnlyList<string> Arguments, string ExpectedOutput)
{
    /// <summary>Parses <c>--iterations N</c> (default 30, at least 20) and <c>--warmup N</c> (default 3).</summary>
    /// <exception cref="ArgumentException">An option is unknown or its value is not valid.</exception>
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(30, 3, "leftpad", ["foo", "5"], "  foo\n");
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            options = name switch
            {
                "-n" or "--iterations" => options with { Iterations = Number(name, ++i < args.Length ? args[i] : null, minimum: 20) },
                "-w" or "--warmup" => options with { Warmup = Number(name, ++i < args.Length ? args[i] : null, minimum: 0) },
                _ => throw new ArgumentException($"unknown option '{name}'; use --iterations N (default 30, at least 20) and --warmup N (default 3)"),
            };
        }

        return options;
    }

    // At least 20 iterations: fewer make the median and p90 too noisy to compare.
    private static int Number(string option, string? text, int minimum) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= minimum
            ? n
            : throw new ArgumentException($"{option} needs a whole number of at least {minimum}, got '{text}'");
}
