using System.Diagnostics;
using System.Globalization;
using ServerlessDocker;
using ServerlessDocker.Bench;
using ServerlessDocker.Bench.Warm;
using ServerlessDocker.Warm;

// Warm invocation latency of one call (busybox echo hello), five ways, interleaved round-robin in one run:
// cold RunAsync (a container per call), warm RunAsync (a call in a warm pool; unix socket, then attach), the engine's exec API into a running
// container, and the floor: the same busybox binary forked and executed on the host.
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

var agent = options.AgentPath ?? Environment.GetEnvironmentVariable("SDOCK_WARM_AGENT") ?? FindPublishedAgent();
var benchLabel = Guid.NewGuid().ToString("N");
var hostBusybox = await CopyBusyboxToHostAsync();
WarmPool pool, attachPool;
try
{
    var template = docker.Command(Variants.Image).WithNetworkMode("none").WithLabel(Variants.LabelName, benchLabel);
    pool = docker.WarmPool(template, new WarmPoolOptions { Min = 1, Max = 1, AgentPath = agent, Transport = WarmTransport.UnixSocket });
    attachPool = docker.WarmPool(template, new WarmPoolOptions { Min = 1, Max = 1, AgentPath = agent, Transport = WarmTransport.Attach });
}
catch (InvalidCommandException ex)
{
    Console.Error.WriteLine($"bench: {ex.Message}");
    return 1;
}

const string Expected = "hello\n";
var variants = new Variants(docker, pool, attachPool, benchLabel, hostBusybox);
var runs = new (Samples Samples, Func<CancellationToken, Task<string>> Run)[]
{
    (new Samples("cold RunAsync"), variants.ColdAsync),
    (new Samples("warm RunAsync"), variants.WarmAsync),
    (new Samples("warm RunAsync, attach"), variants.WarmAttachAsync),
    (new Samples("exec (engine API)"), variants.ExecAsync),
    (new Samples("host fork+exec"), variants.HostAsync),
};

Console.WriteLine($"engine {docker.Endpoint.Uri}, {Variants.Image} {string.Join(' ', Variants.Arguments)}, network none; agent {agent}");
Console.WriteLine($"{options.Iterations} measured iterations after {options.Warmup} warm-up iteration(s); variants interleaved round-robin, rotating the order each iteration");
try
{
    await pool.WarmUpAsync();
    await attachPool.WarmUpAsync();
    for (var i = 0; i < options.Warmup + options.Iterations; i++)
    {
        var measured = i >= options.Warmup;
        for (var k = 0; k < runs.Length; k++)
        {
            var (samples, run) = runs[(i + k) % runs.Length];
            var watch = Stopwatch.StartNew();
            var output = await run(CancellationToken.None);
            var ms = watch.Elapsed.TotalMilliseconds;
            if (output != Expected)
            {
                throw new InvalidOperationException($"{samples.Name} returned {output.Replace("\n", "\\n")} instead of hello\\n");
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
    await pool.DisposeAsync();
    await attachPool.DisposeAsync();
    await variants.DisposeAsync();
    Directory.Delete(Path.GetDirectoryName(hostBusybox)!, recursive: true);
}

Console.WriteLine();
Console.WriteLine("| variant | median ms | p90 ms | p99 ms | mean ms | min ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (s, _) in runs)
{
    Console.WriteLine($"| {s.Name} | {s.Median:0.00} | {s.P90:0.00} | {s.Percentile(99):0.00} | {s.Mean:0.00} | {s.Min:0.00} | {s.Max:0.00} |");
}

var (cold, warm, attach, exec, host) = (runs[0].Samples, runs[1].Samples, runs[2].Samples, runs[3].Samples, runs[4].Samples);
Console.WriteLine();
Console.WriteLine($"warm/host floor: median {warm.Median / host.Median:0.00}x  (goal <= 1.5x)");
Console.WriteLine($"warm/cold:       median {warm.Median / cold.Median:0.000}x  (goal <= 0.02x); cold/warm {cold.Median / warm.Median:0}x");
Console.WriteLine($"warm p99/p50:    {warm.Percentile(99) / warm.Median:0.00}x  (goal <= 5x)");
Console.WriteLine($"attach/socket:   median {attach.Median / warm.Median:0.00}x; attach/cold {attach.Median / cold.Median:0.000}x");
Console.WriteLine($"exec/cold:       median {exec.Median / cold.Median:0.00}x; exec/warm {exec.Median / warm.Median:0.0}x");
return 0;

// The host floor runs the image's own busybox (a static binary), copied out of the image.
static async Task<string> CopyBusyboxToHostAsync()
{
    // Named busybox: it picks its applet by its own name.
    var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sdock-bench-{Environment.ProcessId}")).FullName;
    var path = Path.Combine(dir, "busybox");
    var id = (await Cli("create", Variants.Image)).Trim();
    try
    {
        await Cli("cp", $"{id}:/bin/busybox", path);
    }
    finally
    {
        await Cli("rm", id);
    }

    return path;
}

static async Task<string> Cli(params string[] arguments)
{
    var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }

    using var process = Process.Start(start)!;
    var stdout = await process.StandardOutput.ReadToEndAsync();
    var stderr = await process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"docker {string.Join(' ', arguments)}: {stderr.Trim()}");
}

static string FindPublishedAgent()
{
    for (var dir = AppContext.BaseDirectory; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
    {
        var candidate = Path.Combine(dir, "artifacts", "warm-agent", "sdock-agent");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    return "artifacts/warm-agent/sdock-agent";
}
