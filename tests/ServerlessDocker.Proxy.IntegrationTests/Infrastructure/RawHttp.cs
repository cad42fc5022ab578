using System.Net.Sockets;
using System.Text;

namespace ServerlessDocker.Proxy.IntegrationTests.Infrastructure;

/// <summary>A raw HTTP/1.1 response as bytes on the wire.</summary>
public sealed record RawResponse(int Status, string Head, string Body)
{
    public override string ToString() => $"{Head}\n\n{Body}";
}

/// <summary>Sends hand-written bytes to a unix socket: the adversary's client, with no client-side normalisation.</summary>
public static class RawHttp
{
    /// <summary>Sends one request with <c>Connection: close</c> semantics and reads the whole answer until EOF.</summary>
    public static async Task<RawResponse> SendAsync(string socketPath, string method, string target, string? body = null, string extraHeaders = "", CancellationToken cancellationToken = default)
    {
        var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var head = $"{method} {target} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n{extraHeaders}"
            + (body is null ? string.Empty : $"Content-Type: application/json\r\nContent-Length: {bodyBytes.Length}\r\n") + "\r\n";
        var raw = await ExchangeAsync(socketPath, [.. Encoding.ASCII.GetBytes(head), .. bodyBytes], cancellationToken);
        return Parse(raw);
    }

    /// <summary>Writes bytes and reads until the server closes; returns everything received.</summary>
    public static async Task<string> ExchangeAsync(string socketPath, byte[] request, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        await socket.SendAsync(request, SocketFlags.None, cancellationToken);
        var received = new MemoryStream();
        var buffer = new byte[16384];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>Splits the first response of a raw answer into status, head and body text.</summary>
    public static RawResponse Parse(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no HTTP response head in: {raw}");
        var head = raw[..split];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new RawResponse(status, head, raw[(split + 4)..]);
    }

    /// <summary>All status codes of the responses in a raw answer, in order.</summary>
    public static IReadOnlyList<int> Statuses(string raw) =>
        [.. System.Text.RegularExpressions.Regex.Matches(raw, @"HTTP/1\.1 (\d{3}) ").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
}
