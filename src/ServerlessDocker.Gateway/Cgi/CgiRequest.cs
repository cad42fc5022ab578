using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ServerlessDocker.Gateway.Cgi;

/// <summary>
/// The parts of an HTTP request a CGI program sees. A plain record (not an HttpContext) so an asynchronous call can be
/// stored and replayed after a gateway restart with the same environment.
/// </summary>
internal sealed record CgiRequest
{
    /// <summary>HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The request target as sent (path and query, still percent-encoded).</summary>
    public required string RawTarget { get; init; }

    /// <summary>The decoded path (used for routing).</summary>
    public required string Path { get; init; }

    /// <summary>Query string without the leading '?'.</summary>
    public string Query { get; init; } = "";

    /// <summary>Protocol, e.g. HTTP/1.1.</summary>
    public string Protocol { get; init; } = "HTTP/1.1";

    /// <summary>Host name from the Host header (no port).</summary>
    public string ServerName { get; init; } = "localhost";

    /// <summary>Port the request arrived on.</summary>
    public int ServerPort { get; init; } = 80;

    /// <summary>True for HTTPS.</summary>
    public bool IsHttps { get; init; }

    /// <summary>Client address.</summary>
    public string RemoteAddress { get; init; } = "";

    /// <summary>Client port.</summary>
    public int RemotePort { get; init; }

    /// <summary>Content-Type of the body, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>Request headers in arrival order; a repeated header appears once per value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Captures a live request.</summary>
    /// <param name="context">The request.</param>
    public static CgiRequest FromHttpContext(HttpContext context)
    {
        var request = context.Request;
        var connection = context.Connection;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return new CgiRequest
        {
            Method = request.Method,
            RawTarget = string.IsNullOrEmpty(raw) ? request.PathBase + request.Path + request.QueryString : raw,
            Path = request.PathBase + request.Path,
            Query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
            Protocol = string.IsNullOrEmpty(request.Protocol) ? "HTTP/1.1" : request.Protocol,
            ServerName = request.Host.HasValue ? request.Host.Host : (connection.LocalIpAddress?.ToString() ?? "localhost"),
            ServerPort = request.Host.Port ?? (connection.LocalPort != 0 ? connection.LocalPort : request.IsHttps ? 443 : 80),
            IsHttps = request.IsHttps,
            RemoteAddress = connection.RemoteIpAddress?.ToString() ?? "",
            RemotePort = connection.RemotePort,
            ContentType = request.ContentType,
            Headers = request.Headers.SelectMany(h => h.Value.Where(v => v is not null).Select(v => new KeyValuePair<string, string>(h.Key, v!))).ToList(),
        };
    }

    /// <summary>A GET of another path on the same server (RFC 3875 local redirect), keeping the client's identity.</summary>
    /// <param name="location">The local path (may carry a query).</param>
    public CgiRequest ForLocalRedirect(string location)
    {
        var q = location.IndexOf('?');
        var path = q < 0 ? location : location[..q];
        return this with
        {
            Method = "GET",
            RawTarget = location,
            Path = Uri.UnescapeDataString(path),
            Query = q < 0 ? "" : location[(q + 1)..],
            ContentType = null,
            Headers = Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                && !h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).ToList(),
        };
    }

    internal string PortText => ServerPort.ToString(CultureInfo.InvariantCulture);
}
