namespace ServerlessDocker.Warm;

/// <summary>Reads whole warm frames from a stream, into one reused buffer.</summary>
internal static class WarmFrameReader
{
    /// <summary>
    /// The next frame, its payload valid until the next read (grown in <paramref name="buffer"/> when needed), or null
    /// at a clean end of the stream.
    /// </summary>
    public static async ValueTask<(WarmFrameType Type, ReadOnlyMemory<byte> Payload)?> ReadAsync(
        Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var header = buffer.AsMemory(0, WarmFrames.HeaderSize);
        var first = await stream.ReadAtLeastAsync(header, WarmFrames.HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        if (first < WarmFrames.HeaderSize)
        {
            throw new EndOfStreamException("the warm connection ended inside a frame header");
        }

        var (type, length) = WarmFrames.ReadHeader(header.Span);
        if (length > buffer.Length)
        {
            throw new InvalidDataException($"a {type} frame of {length} bytes does not fit the {buffer.Length}-byte buffer");
        }

        var payload = buffer.AsMemory(0, length);
        await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return (type, payload);
    }
}
