using Microsoft.AspNetCore.Http;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Triggers.Http;

/// <summary>Streams a call's response to the HTTP client as the function produces it.</summary>
internal sealed class HttpResponseSink(HttpContext context) : IResponseSink
{
    public bool HasStarted { get; private set; }

    public void Start(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        foreach (var (name, value) in headers)
        {
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
        await context.Response.Body.WriteAsync(data, cancellationToken).ConfigureAwait(false);

        // Flush every chunk: CGI output is streamed to the client as it is produced (SSE, progress output).
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Abort() => context.Abort();
}
