using System.Diagnostics;
using System.Globalization;
using ServerlessDocker;
using ServerlessDocker.Swarm;

// One run measures both things the issue asks for, on the 3-node test Swarm (scripts/swarm up) and the local
// dev engine (DOCKER_HOST):
//   1. single-invocation latency of a trivial function: Swarm service vs local container, interleaved;
//   2. N CPU-bound invocations (SHA-256 over M MB): fanned out over the Swarm vs one after another on one node
//      (the local engine, and one Swarm node pinned by constraint).
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var opt = new Dictionary<string, int> { ["--tasks"] = 12, ["--megabytes"] = 200, ["--latency-rounds"] = 10, ["--fanout-rounds"] = 2 };
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!opt.ContainsKey(args[i]) || !int.TryParse(args[i + 1], out var v) || v < 1)
    {
        Console.Error.WriteLine($"bench: usage: [--tasks N] [--megabytes M] [--latency-rounds R] [--fanout-rounds F] (got '{args[i]} {args[i + 1]}')");
        return 2;
    }

    opt[args[i]] = v;
}

var swarmHost = Environment.GetEnvironmentVariable("SDOCK_SWARM_HOST");
var registry = Environment.GetEnvironmentVariable("SDOCK_SWARM_REGISTRY");
if (string.IsNullOrEmpty(swarmHost) || string.IsNullOrEmpty(registry))
{
    Console.Error.WriteLine("bench: SDOCK_SWARM_HOST and SDOCK_SWARM_REGISTRY are not set; run `scripts/swarm up` and `source /run/sdock-swarm/env`.");
    return 2;
}

await using var local = DockerFunctions.FromEnvironment();
await using var swarmEngine = DockerFunctions.Connect(DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = swarmHost }));
var swarm = swarmEngine.Swarm();
var hash = $"head -c {opt["--megabytes"]}000000 /dev/zero | sha256sum";
var tasks = opt["--tasks"];

ContainerCommand Local(params string[] a) => local.Command("busybox", a).WithNetworkMode("none");
ContainerCommand OnSwarm(params string[] a) => swarmEngine.Command($"{registry}/busybox:latest", a).OnSwarm(swarm);

Console.WriteLine($"swarm manager {swarmHost} (3 nodes), local engine {local.Endpoint.Uri}; {Environment.ProcessorCount} CPU cores shared by all of them");
Console.WriteLine($"CPU-bound function: sh -c '{hash}'");
Console.WriteLine($"load average at start: {LoadAverage()} (the machine is shared: read the ratios, not the absolute times)");

// Warm-up: first runs pay image checks and lazy daemon setup.
await OnSwarm("true").ExecuteBufferedAsync();
await Local("true").ExecuteBufferedAsync();

var swarmLatency = new List<double>();
var localLatency = new List<double>();
for (var r = 0; r < opt["--latency-rounds"]; r++)
{
    // Alternate who goes first.
    foreach (var (list, run) in r % 2 == 0
                 ? new[] { (swarmLatency, OnSwarm("echo", "hi")), (localLatency, Local("echo", "hi")) }
                 : new[] { (localLatency, Local("echo", "hi")), (swarmLatency, OnSwarm("echo", "hi")) })
    {
        var w = Stopwatch.StartNew();
        var result = await run.ExecuteBufferedAsync();
        list.Add(w.Elapsed.TotalMilliseconds);
        Check(result.StandardOutput == "hi\n", $"echo returned '{result.StandardOutput}'");
    }
}

var fanOut = new List<double>();
var nodesUsed = 0;
for (var r = 0; r < opt["--fanout-rounds"]; r++)
{
    var w = Stopwatch.StartNew();
    var results = await OnSwarm("sh", "-c", hash).RunManyAsync(tasks, tasks);
    fanOut.Add(w.Elapsed.TotalMilliseconds);
    Check(results.All(x => x.IsSuccess && x.StandardOutput.Length > 64), "a fan-out task failed");
    nodesUsed = Math.Max(nodesUsed, results.Select(x => x.Node).Distinct().Count());
}

var sequentialLocal = await SequentialAsync(() => Local("sh", "-c", hash));
var sequentialNode = await SequentialAsync(() => OnSwarm("sh", "-c", hash).WithPlacementConstraint("node.hostname==sdswarm2"));

var leftovers = await swarm.PruneAsync(all: false);
Console.WriteLine();
Console.WriteLine("| measurement | median | ratio |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| single invocation `echo hi`, local engine ({localLatency.Count} runs) | {Median(localLatency):0} ms | 1.00 |");
Console.WriteLine($"| single invocation `echo hi`, Swarm service ({swarmLatency.Count} runs) | {Median(swarmLatency):0} ms | {Median(swarmLatency) / Median(localLatency):0.00}x local |");
Console.WriteLine($"| {tasks} x SHA-256 of {opt["--megabytes"]} MB, one after another, local engine | {sequentialLocal:0} ms | 1.00 |");
Console.WriteLine($"| {tasks} x SHA-256 of {opt["--megabytes"]} MB, one after another, one Swarm node | {sequentialNode:0} ms | {sequentialLocal / sequentialNode:0.00}x speed-up |");
Console.WriteLine($"| {tasks} x SHA-256 of {opt["--megabytes"]} MB, fanned out on the Swarm ({fanOut.Count} runs, {nodesUsed} nodes) | {Median(fanOut):0} ms | {sequentialLocal / Median(fanOut):0.00}x speed-up |");
Console.WriteLine();
Console.WriteLine($"fan-out vs one Swarm node one after another: {sequentialNode / Median(fanOut):0.00}x; leftover Swarm services pruned: {leftovers.Count}");
Console.WriteLine($"load average at end: {LoadAverage()}");
return leftovers.Count == 0 ? 0 : 1;

async Task<double> SequentialAsync(Func<ContainerCommand> make)
{
    var w = Stopwatch.StartNew();
    for (var i = 0; i < tasks; i++)
    {
        var result = await make().ExecuteBufferedAsync();
        Check(result.StandardOutput.Length > 64, "a sequential run printed no hash");
    }

    return w.Elapsed.TotalMilliseconds;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

static double Median(List<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

static void Check(bool ok, string message)
{
    if (!ok)
    {
        throw new InvalidOperationException(message);
    }
}
