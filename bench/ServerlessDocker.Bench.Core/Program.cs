using System.Diagnostics;
using System.Globalization;
using ServerlessDocker;
using ServerlessDocker.Bench;
using ServerlessDocker.Bench.Core;

// Cold invocation latency of one function call, three ways, interleaved round-robin in one run:
// the library's RunAsync path, the same engine calls made directly with Docker.DotNet, and `docker run --rm`.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"bench: {ex.Message}");
    return 2;
}

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
await using var docker = DockerFunctions.FromEnvironment();
try
{
    await docker.PingAsync();
}
catch (ServerlessDockerException ex)
{
    Console.Error.WriteLine($"bench: {ex.Message}");
    return 1;
}

var benchLabel = Guid.NewGuid().ToString("N");
var variants = new Variants(docker, options, benchLabel);
var runs = new (Samples Samples, Func<bool, CancellationToken, Task<string>> Run)[]
{
    (new Samples("RunAsync"), (_, ct) => variants.RunAsyncAsync(ct)),
    (new Samples("direct Docker.DotNet"), (measured, ct) => variants.DirectAsync(measured, ct)),
    (new Samples("docker run --rm"), (_, ct) => variants.DockerCliAsync(ct)),
};

Console.WriteLine($"engine {docker.Endpoint.Uri}, image {options.Image} {string.Join(' ', options.Arguments)}, network none");
Console.WriteLine($"{options.Iterations} measured iterations after {options.Warmup} warm-up iteration(s); variants interleaved round-robin, rotating the order each iteration");
try
{
    for (var i = 0; i < options.Warmup + options.Iterations; i++)
    {
        var measured = i >= options.Warmup;
        for (var k = 0; k < runs.Length; k++)
        {
            // Rotate who goes first so no variant always follows the same one.
            var (samples, run) = runs[(i + k) % runs.Length];
            var watch = Stopwatch.StartNew();
            var output = await run(measured, CancellationToken.None);
            var ms = watch.Elapsed.TotalMilliseconds;
            if (output != options.ExpectedOutput)
            {
                throw new InvalidOperationException($"{samples.Name} returned {output!.Replace("\n", "\\n")} instead of {options.ExpectedOutput.Replace("\n", "\\n")}");
            }

            if (measured)
            {
                samples.Add(ms);
            }
        }
    }
}
finally
{
    var left = await variants.CleanUpAsync();
    if (left > 0)
    {
        Console.Error.WriteLine($"bench: removed {left} leftover container(s)");
    }
}

Console.WriteLine();
Console.WriteLine("| variant | median ms | p90 ms | mean ms | min ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var (s, _) in runs)
{
    Console.WriteLine($"| {s.Name} | {s.Median:0.0} | {s.P90:0.0} | {s.Mean:0.0} | {s.Min:0.0} | {s.Max:0.0} |");
}

var (lib, direct, cli) = (runs[0].Samples, runs[1].Samples, runs[2].Samples);
Console.WriteLine();
Console.WriteLine($"RunAsync/direct: median {lib.Median / direct.Median:0.000}x, p90 {lib.P90 / direct.P90:0.000}x  (goal: median <= 1.05x)");
Console.WriteLine($"RunAsync/cli:    median {lib.Median / cli.Median:0.000}x, p90 {lib.P90 / cli.P90:0.000}x  (goal: median < 1x)");
// Paired: each iteration's variants ran back to back, so their ratio cancels out load that drifts over the run.
var pairedDirect = new Samples("paired");
var pairedCli = new Samples("paired");
for (var i = 0; i < lib.Count; i++)
{
    pairedDirect.Add(lib[i] / direct[i]);
    pairedCli.Add(lib[i] / cli[i]);
}

Console.WriteLine($"median of per-iteration ratios: RunAsync/direct {pairedDirect.Median:0.000}x, RunAsync/cli {pairedCli.Median:0.000}x");
Console.WriteLine();
Console.WriteLine("direct Docker.DotNet, median per phase: " +
    string.Join(", ", variants.DirectPhases.Values.Select(p => $"{p.Name} {p.Median:0.0} ms")));
return 0;
