using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ServerlessDocker.Proxy;

// Proxy overhead, same requests over three paths in one run (round-robin, so engine drift hits all alike):
//   direct  : the engine's own socket
//   proxy   : the scoped proxy in its own process (audit off), as `sdock proxy` runs it
//   haproxy : HAProxy from Debian as a Tecnativa-style path filter
// Usage: dotnet run -c Release --project bench/ServerlessDocker.Bench.Proxy [-- --small N --cycles N --creates N --warmup N --cycle-warmup N]
var engine = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
var smallCount = Argument("--small", 2000);
var cycleCount = Argument("--cycles", 20);
// A proxy is a long-running server: measure it after the JIT's tiers (and PGO) have settled, not while they work.
var warmupCount = Argument("--warmup", 3000);
// The create path too: unmeasured cycles first, so the proxy's create handling is measured after tiering as well.
var cycleWarmupCount = Argument("--cycle-warmup", 20);
// Creates alone (create, then remove unmeasured): the create overhead is a few ms in a noisy ~10 ms step, so it gets many samples.
var createCount = Argument("--creates", 200);
// `--serve SCOPE SOCKET`: the proxy side, in its own process (like `sdock proxy`), so it never shares a thread pool with the client.
if (args is ["--serve", var serveScope, var serveSocket])
{
    await using var served = await ScopedDockerProxy.StartAsync(new ProxyOptions { Upstream = ServerlessDocker.DockerEndpoint.FromEnvironment(engine), SocketDirectory = Path.GetDirectoryName(serveSocket)! });
    await using var servedScope = await served.CreateScopeAsync(serveScope, serveSocket);
    Console.Out.WriteLine("ready");
    await Console.In.ReadLineAsync();
    return 0;
}

var work = Directory.CreateTempSubdirectory("sdock-bench-proxy");
var scopeName = "bench-" + Guid.NewGuid().ToString("N")[..8];

var proxySocket = Path.Combine(work.FullName, "proxy.sock");
using var proxyProcess = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, [.. Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? [typeof(RawClient).Assembly.Location] : Array.Empty<string>(), "--serve", scopeName, proxySocket])
{
    RedirectStandardInput = true,
    RedirectStandardOutput = true,
    // Socket continuations run on the epoll thread instead of hopping to the thread pool: one hop less per read.
    Environment = { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = args.Contains("--no-inline") ? "0" : "1" },
})!;
if (await proxyProcess.StandardOutput.ReadLineAsync() != "ready")
{
    throw new InvalidOperationException("the proxy process did not start");
}
using var haproxy = StartHaproxy(engine, Path.Combine(work.FullName, "haproxy.sock"), work.FullName);

var paths = new (string Name, string Socket)[]
{
    ("direct", new Uri(engine).LocalPath),
    ("proxy", proxySocket),
    ("haproxy", Path.Combine(work.FullName, "haproxy.sock")),
};

// The same filtered list everywhere: the proxy adds the identical owner filter, so the engine does the same work.
var list = "/v1.41/containers/json?filters=" + Uri.EscapeDataString($"{{\"label\":[\"io.sdock.proxy.scope.0={scopeName}\"]}}");
var createBody = "{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"bench\"],\"AttachStdout\":true,\"AttachStderr\":true,\"NetworkDisabled\":true,"
    + "\"HostConfig\":{\"NetworkMode\":\"none\",\"Memory\":67108864,\"PidsLimit\":64},"
    + $"\"Labels\":{{\"io.sdock.bench\":\"proxy\",\"io.sdock.proxy.scope\":\"{scopeName}\",\"io.sdock.proxy.scope.0\":\"{scopeName}\"}}}}";

// The proxy stamps its own labels; direct and HAProxy get the same ones in the body, so the creates are alike.
var proxyCreateBody = createBody.Replace($",\"io.sdock.proxy.scope\":\"{scopeName}\",\"io.sdock.proxy.scope.0\":\"{scopeName}\"", string.Empty, StringComparison.Ordinal);

var small = paths.ToDictionary(p => p.Name, _ => new List<double>());
var cycles = paths.ToDictionary(p => p.Name, _ => new List<double>());
var failures = paths.ToDictionary(p => p.Name, _ => 0);
var stepTimes = paths.ToDictionary(p => p.Name, _ => new Dictionary<string, List<double>>());
var creates = paths.ToDictionary(p => p.Name, _ => new List<double>());
var clients = paths.ToDictionary(p => p.Name, p => new RawClient(p.Socket));
try
{
    for (var i = 0; i < warmupCount; i++)
    {
        foreach (var p in paths)
        {
            await clients[p.Name].SendAsync("GET", list, null);
        }
    }

    for (var i = 0; i < smallCount; i++)
    {
        foreach (var p in paths)
        {
            var watch = Stopwatch.StartNew();
            var (status, _) = await clients[p.Name].SendAsync("GET", list, null);
            small[p.Name].Add(watch.Elapsed.TotalMilliseconds);
            if (status != 200)
            {
                failures[p.Name]++;
            }
        }
    }

    for (var i = 0; i < cycleCount + cycleWarmupCount; i++)
    {
        foreach (var p in paths)
        {
            var body = p.Name == "proxy" ? proxyCreateBody : createBody;
            var watch = Stopwatch.StartNew();
            var ok = await FullCycleAsync(p.Socket, body, i >= cycleWarmupCount ? stepTimes[p.Name] : []);
            if (i >= cycleWarmupCount)
            {
                cycles[p.Name].Add(watch.Elapsed.TotalMilliseconds);
            }

            if (!ok)
            {
                failures[p.Name]++;
            }
        }
    }

    for (var i = 0; i < createCount; i++)
    {
        foreach (var p in paths)
        {
            var body = p.Name == "proxy" ? proxyCreateBody : createBody;
            var watch = Stopwatch.StartNew();
            var (status, answer) = await clients[p.Name].SendAsync("POST", "/v1.41/containers/create", body);
            creates[p.Name].Add(watch.Elapsed.TotalMilliseconds);
            if (status != 201)
            {
                failures[p.Name]++;
                continue;
            }

            var id = JsonDocument.Parse(answer).RootElement.GetProperty("Id").GetString();
            await clients[p.Name].SendAsync("DELETE", $"/v1.41/containers/{id}", null);
        }
    }
}
finally
{
    foreach (var c in clients.Values)
    {
        c.Dispose();
    }

    haproxy?.Kill();
    proxyProcess.StandardInput.Close();
    await proxyProcess.WaitForExitAsync();
    await RemoveBenchContainersAsync(paths[0].Socket);
}

Console.WriteLine($"engine {engine}; {smallCount} x GET /containers/json (filtered) and {cycleCount} x create-attach-start-wait-remove per path, round-robin");
Console.WriteLine($"{"path",-8} {"list p50",10} {"list p99",10} {"cycle p50",10} {"cycle p99",10} {"failures",9}");
foreach (var p in paths)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Name,-8} {Pct(small[p.Name], 50),8:0.000}ms {Pct(small[p.Name], 99),8:0.000}ms {Pct(cycles[p.Name], 50),8:0.0}ms {Pct(cycles[p.Name], 99),8:0.0}ms {failures[p.Name],9}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratios vs direct: proxy list p50 {Ratio("proxy", small, 50):0.00}x p99 {Ratio("proxy", small, 99):0.00}x, cycle p50 {Ratio("proxy", cycles, 50):0.000}x; haproxy list p50 {Ratio("haproxy", small, 50):0.00}x p99 {Ratio("haproxy", small, 99):0.00}x, cycle p50 {Ratio("haproxy", cycles, 50):0.000}x"));
foreach (var p in paths)
{
    Console.WriteLine($"{p.Name,-8} cycle steps (median ms): " + string.Join(", ", stepTimes[p.Name].Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {Pct(kv.Value, 50):0.00}"))));
}

// The create goal is an absolute cost over direct: the median of the per-round differences (same round, back to back).
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{createCount} creates: p50 direct {Pct(creates["direct"], 50):0.00} ms, proxy {Pct(creates["proxy"], 50):0.00} ms, haproxy {Pct(creates["haproxy"], 50):0.00} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"create over direct (median of paired differences): proxy {PairedDifference("proxy"):+0.00;-0.00} ms, haproxy {PairedDifference("haproxy"):+0.00;-0.00} ms"));

// Paired ratios (same round, consecutive requests) are robust to load drift on a shared machine.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"paired median ratios: proxy/direct list {Paired(small, "proxy", "direct"):0.00}x cycle {Paired(cycles, "proxy", "direct"):0.000}x; haproxy/direct list {Paired(small, "haproxy", "direct"):0.00}x cycle {Paired(cycles, "haproxy", "direct"):0.000}x; proxy/haproxy list {Paired(small, "proxy", "haproxy"):0.00}x"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"proxy vs haproxy: list p50 {Pct(small["proxy"], 50) / Pct(small["haproxy"], 50):0.00}x, p99 {Pct(small["proxy"], 99) / Pct(small["haproxy"], 99):0.00}x"));
work.Delete(recursive: true);
return failures.Values.Sum() == 0 ? 0 : 1;

double PairedDifference(string name) =>
    Pct(creates[name].Zip(creates["direct"], (x, y) => x - y).ToList(), 50);

static double Paired(Dictionary<string, List<double>> d, string a, string b)
{
    var ratios = d[a].Zip(d[b], (x, y) => x / y).ToList();
    return Pct(ratios, 50);
}

double Ratio(string name, Dictionary<string, List<double>> d, int pct) => Pct(d[name], pct) / Pct(d["direct"], pct);

static double Pct(List<double> values, int pct)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }

    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(pct / 100.0 * sorted.Count) - 1)];
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static Process? StartHaproxy(string engine, string socket, string work)
{
    var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "haproxy.cfg"));
    var config = Path.Combine(work, "haproxy.cfg");
    File.WriteAllText(config, template.Replace("${ENGINE_SOCKET}", new Uri(engine).LocalPath, StringComparison.Ordinal).Replace("${BENCH_SOCKET}", socket, StringComparison.Ordinal));
    var binary = File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : throw new InvalidOperationException("HAProxy is not installed: apt-get install -y haproxy");
    var process = Process.Start(new ProcessStartInfo(binary, ["-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
    for (var i = 0; i < 50 && !File.Exists(socket); i++)
    {
        Thread.Sleep(100);
    }

    return File.Exists(socket) ? process : throw new InvalidOperationException("HAProxy did not start: " + process.StandardError.ReadToEnd());
}

static async Task<bool> FullCycleAsync(string socket, string createBody, Dictionary<string, List<double>> steps)
{
    var watch = Stopwatch.StartNew();
    void Step(string name)
    {
        if (!steps.TryGetValue(name, out var times))
        {
            steps[name] = times = [];
        }

        times.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
    }

    using var client = new RawClient(socket);
    var (status, body) = await client.SendAsync("POST", "/v1.41/containers/create", createBody);
    Step("create");
    if (status != 201)
    {
        Console.Error.WriteLine($"create via {socket}: {status} {body}");
        return false;
    }

    var id = JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString()!;
    using var attach = new RawClient(socket);
    var output = await attach.HijackAsync($"/v1.41/containers/{id}/attach?stream=1&stdout=1&stderr=1");
    Step("attach");
    var (startStatus, _) = await client.SendAsync("POST", $"/v1.41/containers/{id}/start", null);
    Step("start");
    var (waitStatus, _) = await client.SendAsync("POST", $"/v1.41/containers/{id}/wait", null);
    Step("wait");
    var text = await output;
    Step("output");
    var (deleteStatus, _) = await client.SendAsync("DELETE", $"/v1.41/containers/{id}", null);
    Step("remove");
    return startStatus == 204 && waitStatus == 200 && deleteStatus == 204 && text.Contains("bench", StringComparison.Ordinal);
}

static async Task RemoveBenchContainersAsync(string engineSocket)
{
    using var client = new RawClient(engineSocket);
    var (_, body) = await client.SendAsync("GET", "/v1.41/containers/json?all=1&filters=" + Uri.EscapeDataString("{\"label\":[\"io.sdock.bench=proxy\"]}"), null);
    foreach (var c in JsonDocument.Parse(body).RootElement.EnumerateArray())
    {
        await client.SendAsync("DELETE", $"/v1.41/containers/{c.GetProperty("Id").GetString()}?force=1", null);
    }
}

/// <summary>A minimal keep-alive HTTP/1.1 client over a unix socket, identical for every path measured.</summary>
internal sealed class RawClient(string socketPath) : IDisposable
{
    private Socket? _socket;
    private readonly byte[] _buffer = new byte[256 * 1024];

    public async Task<(int Status, string Body)> SendAsync(string method, string target, string? body)
    {
        _socket ??= await ConnectAsync();
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var head = $"{method} {target} HTTP/1.1\r\nHost: docker\r\n" + (body is null ? (method == "GET" ? string.Empty : "Content-Length: 0\r\n") : $"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\n") + "\r\n";
        await _socket.SendAsync((byte[])[.. Encoding.ASCII.GetBytes(head), .. bytes], SocketFlags.None);
        var received = new MemoryStream();
        while (true)
        {
            var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("connection closed");
            }

            received.Write(_buffer, 0, n);
            if (TryParse(received.ToArray(), out var status, out var text))
            {
                return (status, text);
            }
        }
    }

    public async Task<Task<string>> HijackAsync(string target)
    {
        _socket ??= await ConnectAsync();
        await _socket.SendAsync(Encoding.ASCII.GetBytes($"POST {target} HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"), SocketFlags.None);
        var received = new MemoryStream();
        while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None);
            if (n == 0)
            {
                throw new IOException("attach closed before its answer");
            }

            received.Write(_buffer, 0, n);
        }

        var socket = _socket;
        return Task.Run(async () =>
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(_buffer, SocketFlags.None);
                if (n == 0)
                {
                    return Encoding.Latin1.GetString(received.ToArray());
                }

                received.Write(_buffer, 0, n);
            }
        });
    }

    public void Dispose() => _socket?.Dispose();

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        return socket;
    }

    private static bool TryParse(byte[] data, out int status, out string body)
    {
        status = 0;
        body = string.Empty;
        var text = Encoding.Latin1.GetString(data);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var head = text[..split];
        status = int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture);
        var rest = text[(split + 4)..];
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is not null)
        {
            var length = int.Parse(lengthLine[15..].Trim(), CultureInfo.InvariantCulture);
            body = rest;
            return Encoding.Latin1.GetByteCount(rest) >= length;
        }

        if (head.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            if (!rest.EndsWith("0\r\n\r\n", StringComparison.Ordinal))
            {
                return false;
            }

            var decoded = new StringBuilder();
            var position = 0;
            while (true)
            {
                var lineEnd = rest.IndexOf("\r\n", position, StringComparison.Ordinal);
                var size = Convert.ToInt32(rest[position..lineEnd].Split(';')[0], 16);
                if (size == 0)
                {
                    break;
                }

                decoded.Append(rest, lineEnd + 2, size);
                position = lineEnd + 2 + size + 2;
            }

            body = decoded.ToString();
            return true;
        }

        return status is 204 or 304 || (status >= 100 && status < 200);
    }
}
