using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessDocker;
using ServerlessDocker.Bench;
using ServerlessDocker.Bench.Cron;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Functions;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Observability;
using ServerlessDocker.Gateway.Triggers.Cron;

// The scheduler alone (issue goal: 1,000 jobs due at the same second, dispatch skew p99 < 100 ms). Real clock, real
// store (SQLite) and the real invocation pipeline; only the engine is replaced by a runner that answers at once.
//   dotnet run -c Release --project bench/ServerlessDocker.Bench.Cron -- [--jobs 1000] [--slots 4] [--every 5] [--warmup 2]
// With `engine` first, the real-engine benchmark instead (EngineBench):
//   dotnet run -c Release --project bench/ServerlessDocker.Bench.Cron -- engine [--jobs 20] [--every 10] [--duration 120]
if (args is ["engine", .. var engineArgs])
{
    return await EngineBench.RunAsync(engineArgs);
}

var jobs = Option("--jobs", 1000);
var slots = Option("--slots", 4);
var every = Option("--every", 5);
var warmupSlots = Option("--warmup", 2);

var yaml = new StringBuilder("jobs:\n");
for (var i = 0; i < jobs; i++)
{
    yaml.Append(CultureInfo.InvariantCulture, $"  job{i:D4}:\n    schedule: '@every {every}s'\n    image: busybox\n");
}

var config = GatewayConfigLoader.Parse(yaml.ToString());
var time = TimeProvider.System;
var runner = new RecordingRunner(time);
var source = new StaticGatewayConfigSource(config);
var concurrency = new FunctionConcurrency();
var metrics = new GatewayMetrics(concurrency);
var invoker = new FunctionInvoker(runner, concurrency, new FunctionRouter(source, new ContainerFunctionsOptions()), metrics, new InvocationLog(), time, NullLogger<FunctionInvoker>.Instance);
var dir = Directory.CreateTempSubdirectory("sdock-bench-cron-").FullName;
// No engine: claims and adoption find nothing, as on an empty engine (they fail fast on a missing socket).
await using var docker = DockerFunctions.Connect(DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/sdock-bench.sock" }));
var store = new JobStore(Path.Combine(dir, "jobs.db"));
await store.InitializeAsync(time.GetUtcNow(), CancellationToken.None);
using var scheduler = new JobScheduler(source, invoker, store, new JobClaims(docker, new SwarmBackendProvider(docker, source, time), time, NullLogger<JobClaims>.Instance), new JobMetrics(metrics),
    docker, new JobWebhooks(source, time, NullLogger<JobWebhooks>.Instance), time, NullLogger<JobScheduler>.Instance);

Console.Error.WriteLine($"{jobs} jobs '@every {every}s', measuring {slots} slots after {warmupSlots} warm-up slot(s)...");
await scheduler.StartAsync(CancellationToken.None);
var total = slots + warmupSlots;
var deadline = DateTime.UtcNow.AddSeconds((every * (total + 1)) + 30);
while (runner.Dispatched.Count < jobs * total && DateTime.UtcNow < deadline)
{
    await Task.Delay(200);
}

await scheduler.StopAsync(CancellationToken.None);
Directory.Delete(dir, recursive: true);

// The first slots after start also pay the store's first writes and the JIT's tiering (hot methods are recompiled
// over the first seconds): they are the warm-up, reported apart, slot by slot.
var bySlot = runner.Dispatched.GroupBy(d => d.RunName[^16..]).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
if (bySlot.Count <= warmupSlots)
{
    Console.Error.WriteLine($"only {runner.Dispatched.Count} runs were dispatched; the scheduler did not keep up");
    return 1;
}

Console.WriteLine($"| {jobs} jobs due at the same second (real clock, fake engine) | runs | p50 (ms) | p99 (ms) | max (ms) | p99 / 100 ms goal |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
Console.WriteLine(Row($"{bySlot.Count - warmupSlots} measured slots", Collect(bySlot.Skip(warmupSlots))));
foreach (var (slot, i) in bySlot.Select((g, i) => (g, i)))
{
    Console.WriteLine(Row(i < warmupSlots ? $"warm-up slot {i + 1}" : $"slot {i + 1}", Collect([slot])));
}

return 0;

static Samples Collect(IEnumerable<IEnumerable<(string RunName, double SkewMilliseconds)>> slots)
{
    var samples = new Samples("dispatch skew");
    foreach (var (_, skew) in slots.SelectMany(s => s))
    {
        samples.Add(skew);
    }

    return samples;
}

static string Row(string name, Samples s) =>
    string.Create(CultureInfo.InvariantCulture, $"| {name} | {s.Count} | {s.Median:0.0} | {s.Percentile(99):0.0} | {s.Max:0.0} | {s.Percentile(99) / 100:0.00} |");

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}
