using System.Buffers;
using System.Globalization;
using System.Text;

namespace ServerlessDocker.Proxy.Http;

/// <summary>Reads, re-frames and relays message bodies between two buffered connections.</summary>
internal static class BodyIO
{
    private const int MaxChunkLine = 4096;

    /// <summary>Reads a whole request body into memory; a body over <paramref name="limit"/> answers 413.</summary>
    public static ValueTask<byte[]> ReadAllAsync(BufferedConnection source, BodyFraming framing, long limit, CancellationToken cancellationToken) =>
        ReadAllAsync(source, framing, limit, RequestTooLarge, cancellationToken);

    /// <summary>
    /// Reads a whole message body into memory; a body over <paramref name="limit"/> throws what
    /// <paramref name="tooLarge"/> makes of the limit, before more than the limit is read.
    /// </summary>
    public static async ValueTask<byte[]> ReadAllAsync(BufferedConnection source, BodyFraming framing, long limit, Func<long, Exception> tooLarge, CancellationToken cancellationToken)
    {
        if (framing.Kind == BodyFramingKind.Length && framing.Length > limit)
        {
            throw tooLarge(limit);
        }

        using var stream = new MemoryStream(framing.Kind == BodyFramingKind.Length ? (int)framing.Length : 0);
        await CopyToAsync(source, framing, stream, limit, tooLarge, cancellationToken).ConfigureAwait(false);
        return stream.Length == stream.Capacity ? stream.GetBuffer() : stream.ToArray();
    }

    /// <summary>
    /// Reads a whole request body into a temporary file (deleted when the stream is disposed), so it can be checked
    /// before any of it is forwarded; a body over <paramref name="limit"/> answers 413.
    /// </summary>
    public static async ValueTask<FileStream> SpoolAsync(BufferedConnection source, BodyFraming framing, long limit, CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"sdock-proxy-body-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await CopyToAsync(source, framing, file, limit, RequestTooLarge, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends <paramref name="body"/> to the upstream as it is (its length was announced in the head).</summary>
    public static async ValueTask SendAsync(Stream body, BufferedConnection target, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await target.SendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static RequestRejectedException RequestTooLarge(long limit) => new(413, $"request body larger than {limit} bytes");

    /// <summary>Copies a framed body (Content-Length or chunked) into <paramref name="destination"/>.</summary>
    private static async ValueTask CopyToAsync(BufferedConnection source, BodyFraming framing, Stream destination, long limit, Func<long, Exception> tooLarge, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            switch (framing.Kind)
            {
                case BodyFramingKind.None:
                    return;
                case BodyFramingKind.Length:
                    if (framing.Length > limit)
                    {
                        throw tooLarge(limit);
                    }

                    await CopyExactlyAsync(source, destination, framing.Length, buffer, cancellationToken).ConfigureAwait(false);
                    return;
                case BodyFramingKind.Chunked:
                    var total = 0L;
                    while (true)
                    {
                        var size = await ReadChunkSizeAsync(source, cancellationToken).ConfigureAwait(false);
                        if (size == 0)
                        {
                            await SkipTrailersAsync(source, cancellationToken).ConfigureAwait(false);
                            return;
                        }

                        total += size;
                        if (total > limit)
                        {
                            throw tooLarge(limit);
                        }

                        await CopyExactlyAsync(source, destination, size, buffer, cancellationToken).ConfigureAwait(false);
                        await ExpectCrlfAsync(source, cancellationToken).ConfigureAwait(false);
                    }

                default:
                    throw new RequestRejectedException(400, "request body without framing");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask CopyExactlyAsync(BufferedConnection source, Stream destination, long count, byte[] buffer, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new RequestRejectedException(400, "connection closed inside a body");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            count -= read;
        }
    }

    /// <summary>Streams a request body to the upstream, decoding chunked input and re-encoding it, so framing is ours.</summary>
    public static async ValueTask StreamRequestBodyAsync(BufferedConnection source, BodyFraming framing, BufferedConnection target, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            if (framing.Kind == BodyFramingKind.Length)
            {
                await CopyExactlyAsync(source, target, framing.Length, buffer, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (framing.Kind != BodyFramingKind.Chunked)
            {
                return;
            }

            while (true)
            {
                var size = await ReadChunkSizeAsync(source, cancellationToken).ConfigureAwait(false);
                if (size == 0)
                {
                    await SkipTrailersAsync(source, cancellationToken).ConfigureAwait(false);
                    await target.SendAsync("0\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    return;
                }

                await target.SendAsync(Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken).ConfigureAwait(false);
                await CopyExactlyAsync(source, target, size, buffer, cancellationToken).ConfigureAwait(false);
                await ExpectCrlfAsync(source, cancellationToken).ConfigureAwait(false);
                await target.SendAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Relays a response body verbatim (the engine's own framing), flushing every piece as it arrives so
    /// that followed streams (logs, events, stats) have no added latency or timeout.
    /// </summary>
    public static async ValueTask RelayResponseBodyAsync(BufferedConnection source, BodyFraming framing, BufferedConnection target, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            switch (framing.Kind)
            {
                case BodyFramingKind.Length:
                    await CopyExactlyAsync(source, target, framing.Length, buffer, cancellationToken).ConfigureAwait(false);
                    break;
                case BodyFramingKind.UntilClose:
                    while (true)
                    {
                        var read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }

                        await target.SendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case BodyFramingKind.Chunked:
                    while (true)
                    {
                        var line = await source.ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false);
                        var size = ParseChunkSize(line);
                        if (size == 0)
                        {
                            var trailer = new StringBuilder(line).Append("\r\n");
                            while (true)
                            {
                                var t = await source.ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false);
                                trailer.Append(t).Append("\r\n");
                                if (t.Length == 0)
                                {
                                    break;
                                }
                            }

                            await target.SendAsync(Encoding.Latin1.GetBytes(trailer.ToString()), cancellationToken).ConfigureAwait(false);
                            return;
                        }

                        // Forward the size line, the data and the CRLF together when they are already buffered.
                        await target.SendAsync(Encoding.Latin1.GetBytes(line + "\r\n"), cancellationToken).ConfigureAwait(false);
                        await CopyExactlyAsync(source, target, size + 2, buffer, cancellationToken).ConfigureAwait(false);
                    }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads and discards a request body (for routes whose engine handler ignores it).</summary>
    public static async ValueTask DiscardAsync(BufferedConnection source, BodyFraming framing, long limit, CancellationToken cancellationToken) =>
        _ = await ReadAllAsync(source, framing, limit, cancellationToken).ConfigureAwait(false);

    private static async ValueTask CopyExactlyAsync(BufferedConnection source, BufferedConnection target, long count, byte[] buffer, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new RequestRejectedException(400, "connection closed inside a body");
            }

            await target.SendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            count -= read;
        }
    }

    private static async ValueTask<long> ReadChunkSizeAsync(BufferedConnection source, CancellationToken cancellationToken) =>
        ParseChunkSize(await source.ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false));

    private static long ParseChunkSize(string line)
    {
        var semicolon = line.IndexOf(';');
        var hex = (semicolon < 0 ? line : line[..semicolon]).Trim();
        if (hex.Length == 0 || hex.Length > 15 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw new RequestRejectedException(400, "malformed chunk size");
        }

        return size;
    }

    private static async ValueTask ExpectCrlfAsync(BufferedConnection source, CancellationToken cancellationToken)
    {
        if ((await source.ReadLineAsync(2, cancellationToken).ConfigureAwait(false)).Length != 0)
        {
            throw new RequestRejectedException(400, "chunk data not followed by CRLF");
        }
    }

    private static async ValueTask SkipTrailersAsync(BufferedConnection source, CancellationToken cancellationToken)
    {
        while ((await source.ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false)).Length != 0)
        {
        }
    }
}
