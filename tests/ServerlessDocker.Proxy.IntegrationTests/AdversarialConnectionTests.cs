using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// Slowloris and connection exhaustion, with raw sockets: a head sent slowly or never finished is answered 408 and
/// closed at the head timeout, an idle keep-alive connection is closed at the idle timeout, and a scope socket serves
/// at most its cap of connections at once (503 beyond it), so one client cannot hold the proxy's sockets.
/// </summary>
public sealed class AdversarialConnectionTests(ProxyEnvironment environment)
{
    private static readonly ProxyPolicy Tight = ProxyPolicy.Default with
    {
        HeadTimeout = TimeSpan.FromSeconds(1),
        IdleTimeout = TimeSpan.FromSeconds(2),
        MaxConnections = 3,
    };

    [Fact(Timeout = 60000)]
    public async Task HalfSentHead_Answered408AndClosedAtHeadTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("slow", Tight);
        var name = $"slow-{environment.RunId}-{Guid.NewGuid():N}"[..30];
        using var socket = await ConnectAsync(scope, ct);
        var watch = Stopwatch.StartNew();

        await SendAsync(socket, $"POST /v1.41/containers/create?name={name} HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n", ct);
        var answer = await ReadToEndAsync(socket, ct);

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(8));
        Assert.Equal([408], RawHttp.Statuses(answer));
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct));
        Assert.Contains(environment.Audit.Lines, l => l.Contains(scope.Path, StringComparison.Ordinal) && l.Contains("\"status\":408", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60000)]
    public async Task HeadTrickledOneByteAtATime_DeadlineIsNotExtendedByEachByte()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("trickle", Tight);
        using var socket = await ConnectAsync(scope, ct);
        var watch = Stopwatch.StartNew();
        var head = "GET /_ping HTTP/1.1\r\nHost: d\r\nX-Padding: " + new string('a', 200) + "\r\n\r\n";

        var answer = new StringBuilder();
        var reading = ReadToEndAsync(socket, ct);
        foreach (var c in head)
        {
            if (reading.IsCompleted)
            {
                break;
            }

            try
            {
                await SendAsync(socket, c.ToString(), ct);
            }
            catch (SocketException)
            {
                break;
            }

            await Task.Delay(100, ct);
        }

        answer.Append(await reading);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the trickle held the connection for {watch.Elapsed}");
        Assert.Equal([408], RawHttp.Statuses(answer.ToString()));
    }

    [Fact(Timeout = 60000)]
    public async Task SlowButTimelyRequest_IsServed()
    {
        // The positive control: a head that arrives in pieces within the timeout is answered normally.
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("timely", Tight);
        using var socket = await ConnectAsync(scope, ct);

        await SendAsync(socket, "GET /_ping HTTP/1.1\r\n", ct);
        await Task.Delay(300, ct);
        await SendAsync(socket, "Host: d\r\nConnection: close\r\n\r\n", ct);

        Assert.Equal([200], RawHttp.Statuses(await ReadToEndAsync(socket, ct)));
    }

    [Fact(Timeout = 60000)]
    public async Task IdleKeepAliveConnection_ClosedAtIdleTimeoutAfterItsAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("idle", Tight);
        using var socket = await ConnectAsync(scope, ct);

        // Two requests on one connection, each within the idle timeout of the previous answer, then silence.
        await SendAsync(socket, "GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n", ct);
        await Task.Delay(500, ct);
        await SendAsync(socket, "GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n", ct);
        var watch = Stopwatch.StartNew();
        var answer = await ReadToEndAsync(socket, ct);

        Assert.Equal([200, 200], RawHttp.Statuses(answer));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = 60000)]
    public async Task ConnectionsBeyondTheCap_Answered503_AndAFreedSlotServesAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("cap", Tight with { HeadTimeout = TimeSpan.FromSeconds(30), IdleTimeout = TimeSpan.FromSeconds(30) });
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var socket = await ConnectAsync(scope, ct);
                held.Add(socket);
                await SendAsync(socket, "GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n", ct);
                await ReadSomeAsync(socket, ct);
            }

            using (var extra = await ConnectAsync(scope, ct))
            {
                Assert.Equal([503], RawHttp.Statuses(await ReadToEndAsync(extra, ct)));
            }

            held[0].Dispose();
            held.RemoveAt(0);
            await Eventually.TrueAsync(async () =>
            {
                using var again = await ConnectAsync(scope, ct);
                await SendAsync(again, "GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n", ct);
                return RawHttp.Statuses(await ReadToEndAsync(again, ct)) is [200];
            }, "a freed connection slot serves again", TimeSpan.FromSeconds(10), ct);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    private static async Task<Socket> ConnectAsync(ProxyScope scope, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(scope.SocketPath), ct);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text, CancellationToken ct) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, ct);

    private static async Task ReadSomeAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[4096];
        Assert.True(await socket.ReceiveAsync(buffer, SocketFlags.None, ct) > 0);
    }

    private static async Task<string> ReadToEndAsync(Socket socket, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var received = new MemoryStream();
        var buffer = new byte[16384];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) is var n and > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // A reset after the answer still leaves the answer.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
