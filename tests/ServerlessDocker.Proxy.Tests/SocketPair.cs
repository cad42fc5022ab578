using System.Net.Sockets;
using ServerlessDocker.Proxy.Http;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>Two connected unix sockets (a real transport, no engine) for framing tests.</summary>
internal sealed class SocketPair : IDisposable
{
    private readonly string _path;

    private SocketPair(string path, BufferedConnection left, BufferedConnection right)
    {
        _path = path;
        Left = left;
        Right = right;
    }

    public BufferedConnection Left { get; }

    public BufferedConnection Right { get; }

    public static async Task<SocketPair> CreateAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sdock-pair-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        var server = await listener.AcceptAsync(cancellationToken);
        return new SocketPair(path, new BufferedConnection(client), new BufferedConnection(server));
    }

    public void Dispose()
    {
        Left.Dispose();
        Right.Dispose();
        File.Delete(_path);
    }
}
