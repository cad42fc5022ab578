using Microsoft.AspNetCore.Http;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Triggers.Http;

/// <summary>Streams a call's response to the HTTP client as the function produces it.</summary>
/// <remarks>
/// The gateway's own headers win over a function's (a function cannot add a second <c>X-Call-Id</c>), framing is
/// the server's (a function's <c>Transfer-Encoding</c> or <c>Connection</c> is dropped), and a status that has no
/// body (1xx, 204, 304) is sent without the body the function wrote: a body there would break the connection.
/// </remarks>
internal sealed class HttpResponseSink(HttpContext context) : IResponseSink
{
    private static readonly HashSet<string> GatewayOwnedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "X-Call-Id", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade",
    };

    private bool _bodyless;

    public bool HasStarted { get; private set; }

    public void Start(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        _bodyless = statusCode is (>= 100 and < 200) or 204 or 304;
        foreach (var (name, value) in headers)
        {
            if (GatewayOwnedHeaders.Contains(name) || (_bodyless && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.ContentType = value;
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }

        HasStarted = true;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_bodyless)
        {
            return;
        }

        await context.Response.Body.WriteAsync(data, cancellationToken).ConfigureAwait(false);

        // Flush every chunk: CGI output is streamed to the client as it is produced (SSE, progress output).
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Abort() => context.Abort();
}
