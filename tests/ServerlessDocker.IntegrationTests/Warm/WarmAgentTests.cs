using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ServerlessDocker.IntegrationTests;

/// <summary>
/// The published agent on its own, on the host, spoken to with hand-encoded frames (docs/designs/warm.md): a host
/// that vanishes mid-call, SIGTERM forwarding, the end of the hold connection.
/// </summary>
public sealed class WarmAgentTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-agent-test-").FullName;
    private readonly Process _agent;

    public WarmAgentTests()
    {
        var start = new ProcessStartInfo(WarmPools.AgentPath) { RedirectStandardError = true };
        start.ArgumentList.Add("--socket");
        start.ArgumentList.Add(SocketPath);
        _agent = Process.Start(start)!;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string SocketPath => Path.Combine(_dir, "agent.sock");

    [Fact(Timeout = 30000)]
    public async Task HostGoneMidOutput_KillsTheCall_AndTheAgentServesTheNext()
    {
        using var hold = await HoldAsync();
        using (var flood = await StartAsync(["sh", "-c", "yes"]))
        {
            var pid = await ReadStartedAsync(flood);
            Assert.Equal('O', (char)(await ReadFrameAsync(flood)).Type);
            flood.Close(); // vanish with output still coming

            await WaitUntilAsync(() => !File.Exists($"/proc/{pid}"), "the abandoned call's process should be killed and reaped");
        }

        using var next = await StartAsync(["echo", "still here"]);
        await ReadStartedAsync(next);
        await SendAsync(next, 'E', []);
        var (stdout, code) = await ReadToExitAsync(next);
        Assert.Equal(("still here\n", 0), (stdout, code));
    }

    [Fact(Timeout = 30000)]
    public async Task Sigterm_IsForwardedToTheRunningCall_ThenTheAgentExits()
    {
        using var hold = await HoldAsync();
        using var call = await StartAsync(["sleep", "100"]);
        await ReadStartedAsync(call);
        await SendAsync(call, 'E', []);

        Process.Start("kill", ["-TERM", $"{_agent.Id}"]).WaitForExit();

        var (_, code) = await ReadToExitAsync(call);
        Assert.Equal(128 + 15, code);
        await _agent.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact(Timeout = 30000)]
    public async Task HoldConnectionEnds_TheAgentKillsItsCallsAndExits()
    {
        var hold = await HoldAsync();
        using var call = await StartAsync(["sleep", "100"]);
        var pid = await ReadStartedAsync(call);

        hold.Dispose();

        await _agent.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, _agent.ExitCode);
        await WaitUntilAsync(() => !File.Exists($"/proc/{pid}"), "the call should die with the agent");
    }

    [Fact(Timeout = 30000)]
    public async Task MissingCommand_Is127_NotExecutable_Is126()
    {
        using var hold = await HoldAsync();
        var file = Path.Combine(_dir, "plain");
        await File.WriteAllTextAsync(file, "not a program", Ct);

        Assert.Equal(127, await StartFailureAsync(["no-such-program-anywhere"]));
        Assert.Equal(126, await StartFailureAsync([file]));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_agent.HasExited)
        {
            _agent.Kill();
            await _agent.WaitForExitAsync();
        }

        _agent.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<int> StartFailureAsync(string[] argv)
    {
        using var call = await StartAsync(argv);
        var (type, payload) = await ReadFrameAsync(call);
        Assert.Equal('F', (char)type);
        return BinaryPrimitives.ReadInt32BigEndian(payload);
    }

    private async Task<Socket> ConnectAsync()
    {
        await WaitUntilAsync(() => File.Exists(SocketPath), "the agent should listen");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), Ct);
        return socket;
    }

    private async Task<Socket> HoldAsync()
    {
        var socket = await ConnectAsync();
        await SendAsync(socket, 'H', []);
        Assert.Equal('Y', (char)(await ReadFrameAsync(socket)).Type);
        return socket;
    }

    private async Task<Socket> StartAsync(string[] argv)
    {
        var socket = await ConnectAsync();
        var payload = new MemoryStream();
        WriteList(payload, argv);
        WriteList(payload, ["PATH=/usr/bin:/bin"]);
        WriteString(payload, "");
        await SendAsync(socket, 'S', payload.ToArray());
        return socket;
    }

    private static async Task<int> ReadStartedAsync(Socket socket)
    {
        var (type, payload) = await ReadFrameAsync(socket);
        Assert.Equal('P', (char)type);
        return BinaryPrimitives.ReadInt32BigEndian(payload);
    }

    private static async Task<(string Stdout, int Code)> ReadToExitAsync(Socket socket)
    {
        var stdout = new StringBuilder();
        while (true)
        {
            var (type, payload) = await ReadFrameAsync(socket);
            switch ((char)type)
            {
                case 'O':
                    stdout.Append(Encoding.UTF8.GetString(payload));
                    break;
                case 'X':
                    return (stdout.ToString(), BinaryPrimitives.ReadInt32BigEndian(payload));
            }
        }
    }

    private static async Task SendAsync(Socket socket, char type, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame, 5);
        await socket.SendAsync(frame, Ct);
    }

    private static async Task<(byte Type, byte[] Payload)> ReadFrameAsync(Socket socket)
    {
        var header = new byte[5];
        await ReadExactlyAsync(socket, header);
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
        await ReadExactlyAsync(socket, payload);
        return (header[0], payload);
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), Ct);
            Assert.True(n > 0, "the agent closed the connection early");
            read += n;
        }
    }

    private static void WriteList(Stream s, string[] items)
    {
        WriteInt(s, items.Length);
        foreach (var item in items)
        {
            WriteString(s, item);
        }
    }

    private static void WriteString(Stream s, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt(s, bytes.Length);
        s.Write(bytes);
    }

    private static void WriteInt(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        s.Write(b);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.True(condition(), what);
    }
}
