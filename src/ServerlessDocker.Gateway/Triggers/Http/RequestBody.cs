using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;

namespace ServerlessDocker.Gateway.Triggers.Http;

/// <summary>The request body a call gets on stdin, after the size check.</summary>
/// <param name="Stream">The body, or null when there is none.</param>
/// <param name="Length">Its length when known.</param>
/// <param name="TooLarge">True when the body exceeds the function's maxBody (the caller answers 413).</param>
internal sealed record RequestBody(Stream? Stream, long? Length, bool TooLarge)
{
    /// <summary>
    /// Applies the body limit. A body with a Content-Length streams straight to stdin; a chunked body is read first
    /// (spooled to disk beyond 64 KiB) so it can be measured against the limit and given a CONTENT_LENGTH, as RFC 3875
    /// §4.1.2 asks. go-dcgi rejects chunked bodies instead.
    /// </summary>
    public static async Task<RequestBody> PrepareAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            // Kestrel enforces it while reading (a lying Content-Length or a long chunked body fails with 413).
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentLength is { } length)
        {
            return length > maxBytes ? new(null, length, true) : new(length == 0 ? null : request.Body, length, false);
        }

        if (!request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, 0, false);
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: maxBytes);
        long total = 0;
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    return new(null, total, true);
                }
            }
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // EnableBuffering's bufferLimit fired ("Buffer limit exceeded").
            return new(null, total, true);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, total, true);
        }

        request.Body.Position = 0;
        return new(total == 0 ? null : request.Body, total, false);
    }
}
