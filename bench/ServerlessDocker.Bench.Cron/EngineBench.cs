using System.Diagnostics;
using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace ServerlessDocker.Bench.Cron;

/// <summary>
/// The scheduler on the real engine (issue goal (b)): N jobs <c>@every 10s</c> served by <c>./sdock serve</c> for a
/// while, and between their slots, as the baseline, N containers of the same image, command and settings (network
/// none, read-only root, 256 MiB, 64 PIDs: a job's defaults) created and started straight through the Engine API at
/// a chosen instant. Every container stamps the wall clock first thing (the kernel's
/// clock through busybox adjtimex, microseconds), so both skews are measured by the same clock at the same point:
/// sdock's start − slot against the raw engine's start − instant, interleaved in one run.
/// </summary>
internal static class EngineBench
{
    private const string Image = "busybox";
    private const string BenchLabel = "io.sdock.bench.cron";
    private const string Stamp = """t=$(adjtimex | awk '/tv_sec/{s=$2} /tv_usec/{u=$2} END{printf "%d.%06d", s, u}'); echo "$KIND $SLOT $t" >> /out/starts""";

    public static async Task<int> RunAsync(string[] args)
    {
        var jobs = Option(args, "--jobs", 20);
        var every = Option(args, "--every", 10);
        var duration = Option(args, "--duration", 120);
        var root = FindRoot();
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h ? h : "unix:///run/sdock-engine/docker.sock";
        using var docker = new DockerClientBuilder().WithEndpoint(new Uri(host)).Build();
        var work = Directory.CreateTempSubdirectory("sdock-bench-cron-engine-").FullName;
        var outDir = Path.Combine(work, "out");
        Directory.CreateDirectory(outDir);
        var names = Enumerable.Range(1, jobs).Select(i => $"bench-cron-{i:D2}").ToList();
        var yaml = new StringBuilder("jobs:\n");
        foreach (var name in names)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                  {name}:
                    schedule: '@every {every}s'
                    image: {Image}
                    args: [sh, -c, '{("KIND=sdock; SLOT=$SDOCK_SCHEDULED_TIME; " + Stamp).Replace("'", "''", StringComparison.Ordinal)}']
                    volumes: ["./out:/out"]
                    timeout: 60s

                """);
        }

        await File.WriteAllTextAsync(Path.Combine(work, "functions.yaml"), yaml.ToString());
        Console.Error.WriteLine($"{jobs} jobs '@every {every}s' through ./sdock serve for {duration} s, and {jobs} raw engine starts between their slots...");

        using var serve = StartServe(root, work);
        var raw = new List<Task>();
        try
        {
            var end = DateTimeOffset.UtcNow.AddSeconds(duration);
            var next = NextSlot(DateTimeOffset.UtcNow, every).AddSeconds(every / 2.0);
            while (next < end)
            {
                await Task.Delay(next - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
                var instant = next;
                raw.AddRange(Enumerable.Range(0, jobs).Select(_ => Task.Run(() => RawStartAsync(docker, outDir, instant))));
                next = next.AddSeconds(every);
            }

            await Task.WhenAll(raw);
            await Task.Delay(TimeSpan.FromSeconds(every));
        }
        finally
        {
            await StopAsync(serve);
            await RemoveAsync(docker, names);
        }

        var (sdock, engine) = Read(Path.Combine(outDir, "starts"));
        Directory.Delete(work, recursive: true);
        var left = await LeftAsync(docker, names);
        if (sdock.Count == 0 || engine.Count == 0)
        {
            Console.Error.WriteLine($"no runs measured (sdock {sdock.Count}, raw {engine.Count}): see the gateway's output above");
            return 1;
        }

        Console.WriteLine($"| {jobs} jobs @every {every}s for {duration} s, start of the container's first command | runs | p50 (ms) | p99 (ms) | max (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("sdock serve: start − slot (cold)", sdock));
        Console.WriteLine(Row("raw engine create + start: start − instant", engine));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sdock / raw engine: p50 {sdock.Median / engine.Median:0.00}x, p99 {sdock.Percentile(99) / engine.Percentile(99):0.00}x; sdock p50 − raw p50 = {sdock.Median - engine.Median:0} ms"));
        Console.WriteLine($"Containers left after the run: {left}");
        return left == 0 ? 0 : 1;
    }

    private static async Task RawStartAsync(DockerClient docker, string outDir, DateTimeOffset instant)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = Image,
            Cmd = ["sh", "-c", $"KIND=raw; SLOT={instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}; {Stamp}"],
            Labels = new Dictionary<string, string> { [BenchLabel] = "raw" },
            // The container a job runs by default (functions.yaml's defaults): the same engine work as sdock's runs.
            HostConfig = new HostConfig
            {
                Binds = [outDir + ":/out"], AutoRemove = true, NetworkMode = "none", ReadonlyRootfs = true, Memory = 256L * 1024 * 1024, PidsLimit = 64,
            },
        });
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
    }

    private static Process StartServe(string root, string work)
    {
        var psi = new ProcessStartInfo(Path.Combine(root, "sdock")) { WorkingDirectory = work, RedirectStandardOutput = true };
        foreach (var a in new[] { "serve", "-f", Path.Combine(work, "functions.yaml"), "--listen", "127.0.0.1:0" })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("./sdock serve did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task StopAsync(Process serve)
    {
        if (!serve.HasExited)
        {
            // SIGTERM, as docker stop: the scheduler records its runs and exits.
            Process.Start("kill", ["-TERM", serve.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await serve.WaitForExitAsync(limit.Token);
        }
    }

    // The exited run containers are the jobs' claims (kept by design): the bench removes its own.
    private static async Task RemoveAsync(DockerClient docker, IReadOnlyCollection<string> names)
    {
        foreach (var c in await ListAsync(docker, names))
        {
            await docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    private static async Task<int> LeftAsync(DockerClient docker, IReadOnlyCollection<string> names) => (await ListAsync(docker, names)).Count;

    private static async Task<List<ContainerListResponse>> ListAsync(DockerClient docker, IReadOnlyCollection<string> names) =>
        [.. (await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true })).Where(c =>
            c.Labels is { } l && (l.ContainsKey(BenchLabel) || (l.TryGetValue("io.sdock.cron.job", out var j) && names.Contains(j))))];

    private static (Samples Sdock, Samples Raw) Read(string path)
    {
        var sdock = new Samples("sdock");
        var raw = new Samples("raw");
        foreach (var line in File.Exists(path) ? File.ReadAllLines(path) : [])
        {
            if (line.Split(' ') is not [var kind, var slot, var stamp] || !double.TryParse(stamp, CultureInfo.InvariantCulture, out var started))
            {
                continue;
            }

            var startedMs = started * 1000;
            if (kind == "sdock" && DateTimeOffset.TryParse(slot, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s))
            {
                sdock.Add(startedMs - s.ToUnixTimeMilliseconds());
            }
            else if (kind == "raw" && long.TryParse(slot, CultureInfo.InvariantCulture, out var instant))
            {
                raw.Add(startedMs - instant);
            }
        }

        return (sdock, raw);
    }

    private static DateTimeOffset NextSlot(DateTimeOffset now, int every)
    {
        var seconds = now.ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(seconds - (seconds % every) + every);
    }

    private static string Row(string name, Samples s) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {s.Count} | {s.Median:0} | {s.Percentile(99):0} | {s.Max:0} |");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "sdock")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run the bench from the checkout: ./sdock was not found above " + AppContext.BaseDirectory);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
    }
}
