using System.Net.Sockets;
using System.Text;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>
/// A canned HTTP responder on a unix socket standing in for the engine's look-ups (inspect, list), so policy
/// decisions can be tested as pure logic. Unknown paths answer 404, like an engine that has no such object.
/// </summary>
internal sealed class FakeEngine : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, string> _responses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public FakeEngine()
    {
        SocketPath = Path.Combine(Path.GetTempPath(), $"sdock-fake-engine-{Guid.NewGuid():N}.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _loop = AcceptAsync();
    }

    public string SocketPath { get; }

    public List<string> Requests { get; } = [];

    /// <summary>Answers GET requests whose path (without query) starts with <paramref name="pathPrefix"/> with 200 and this JSON.</summary>
    public FakeEngine With(string pathPrefix, string json)
    {
        _responses[pathPrefix] = json;
        return this;
    }

    /// <summary>Answers requests whose path starts with <paramref name="pathPrefix"/> with 500, as an engine in trouble does.</summary>
    public FakeEngine Failing(string pathPrefix)
    {
        _failures[pathPrefix] = """{"message":"engine trouble"}""";
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        File.Delete(SocketPath);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var received = new StringBuilder();
            var buffer = new byte[8192];
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    return;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            var target = received.ToString().Split(' ')[1];
            var path = Uri.UnescapeDataString(target.Split('?')[0]);
            lock (Requests)
            {
                Requests.Add(path);
            }

            var match = _responses.Where(r => path.StartsWith(r.Key, StringComparison.Ordinal)).OrderByDescending(r => r.Key.Length).Select(r => r.Value).FirstOrDefault();
            var failure = _failures.Where(r => path.StartsWith(r.Key, StringComparison.Ordinal)).Select(r => r.Value).FirstOrDefault();
            var body = failure ?? match ?? """{"message":"not found"}""";
            var status = failure is not null ? "500 Internal Server Error" : match is null ? "404 Not Found" : "200 OK";
            var bytes = Encoding.UTF8.GetBytes(body);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"), SocketFlags.None);
            await socket.SendAsync(bytes, SocketFlags.None);
        }
    }
}
