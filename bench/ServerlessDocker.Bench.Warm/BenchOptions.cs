using System.Globalization;

namespace ServerlessDocker.Bench.Warm;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record BenchOptions(int Iterations, int Warmup, string? AgentPath)
{
    /// <summary>Parses <c>--iterations N</c> (default 100, at least 100), <c>--warmup N</c> (default 5), <c>--agent PATH</c>.</summary>
    /// <exception cref="ArgumentException">An option is unknown or its value is not valid.</exception>
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(100, 5, null);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            var value = ++i < args.Length ? args[i] : null;
            options = name switch
            {
                "-n" or "--iterations" => options with { Iterations = Number(name, value, minimum: 100) },
                "-w" or "--warmup" => options with { Warmup = Number(name, value, minimum: 0) },
                "--agent" => options with { AgentPath = value ?? throw new ArgumentException("--agent needs the path of sdock-agent") },
                _ => throw new ArgumentException($"unknown option '{name}'; use --iterations N (default 100, at least 100), --warmup N (default 5), --agent PATH"),
            };
        }

        return options;
    }

    // At least 100: the p99 of fewer samples is just the maximum.
    private static int Number(string option, string? text, int minimum) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= minimum
            ? n
            : throw new ArgumentException($"{option} needs a whole number of at least {minimum}, got '{text}'");
}
