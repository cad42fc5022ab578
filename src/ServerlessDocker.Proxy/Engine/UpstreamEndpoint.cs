using System.Net;
using System.Net.Sockets;

namespace ServerlessDocker.Proxy.Engine;

/// <summary>Where the real engine listens: a unix socket or a plain TCP address.</summary>
internal sealed class UpstreamEndpoint
{
    private readonly EndPoint _endPoint;

    private UpstreamEndpoint(EndPoint endPoint, string display)
    {
        _endPoint = endPoint;
        Display = display;
    }

    /// <summary>The endpoint as configured.</summary>
    public string Display { get; }

    /// <summary>Parses <c>unix:///path</c> or <c>tcp://host:port</c>.</summary>
    public static UpstreamEndpoint Parse(Uri uri) => uri.Scheme switch
    {
        "unix" => new UpstreamEndpoint(new UnixDomainSocketEndPoint(uri.LocalPath), uri.ToString()),
        "tcp" or "http" => new UpstreamEndpoint(new DnsEndPoint(uri.Host, uri.Port < 0 ? 2375 : uri.Port), uri.ToString()),
        _ => throw new ArgumentException($"unsupported upstream scheme '{uri.Scheme}' (use unix:// or tcp://)", nameof(uri)),
    };

    /// <summary>Opens a new connection.</summary>
    public async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = _endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
