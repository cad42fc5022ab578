using System.Net;
using System.Net.Sockets;

namespace ServerlessDocker.Proxy.Engine;

/// <summary>Opens raw connections to the real engine named by a <see cref="DockerEndpoint"/>: a unix socket or plain TCP.</summary>
internal sealed class UpstreamConnector
{
    private readonly EndPoint _endPoint;

    private UpstreamConnector(EndPoint endPoint, DockerEndpoint endpoint)
    {
        _endPoint = endPoint;
        Endpoint = endpoint;
    }

    /// <summary>The endpoint as configured.</summary>
    public DockerEndpoint Endpoint { get; }

    /// <summary>Accepts <c>unix://</c>, <c>tcp://</c> and <c>http://</c> endpoints without TLS.</summary>
    /// <exception cref="ProxyEndpointException">The endpoint uses TLS or a scheme the proxy does not speak.</exception>
    public static UpstreamConnector For(DockerEndpoint endpoint)
    {
        var uri = endpoint.Uri;
        if (endpoint.UseTls || uri.Scheme == "https")
        {
            // The proxy splices raw HTTP/1.1 bytes between client and engine; it has no TLS client side.
            throw new ProxyEndpointException(uri,
                "TLS engines are not supported; give the proxy the engine's unix socket or a plain tcp:// address (unset DOCKER_TLS_VERIFY), for example by running it on the engine's host.");
        }

        return uri.Scheme switch
        {
            "unix" => new UpstreamConnector(new UnixDomainSocketEndPoint(uri.LocalPath), endpoint),
            "tcp" or "http" => new UpstreamConnector(new DnsEndPoint(uri.Host, uri.Port < 0 ? 2375 : uri.Port), endpoint),
            _ => throw new ProxyEndpointException(uri, $"the scheme '{uri.Scheme}' is not supported; use unix:///path/to/docker.sock or tcp://host:port."),
        };
    }

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
