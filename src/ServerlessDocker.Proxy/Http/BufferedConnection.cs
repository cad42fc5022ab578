using System.Net.Sockets;
using System.Text;

namespace ServerlessDocker.Proxy.Http;

/// <summary>A socket with a read buffer, so that HTTP heads can be parsed and leftover bytes kept for the next reader.</summary>
internal sealed class BufferedConnection : IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private readonly byte[] _buffer = new byte[32 * 1024];
    private int _start;
    private int _end;

    /// <summary>Wraps a connected socket.</summary>
    public BufferedConnection(Socket socket) => Socket = socket;

    /// <summary>The underlying socket.</summary>
    public Socket Socket { get; }

    /// <summary>Bytes received but not consumed yet.</summary>
    public ReadOnlyMemory<byte> Buffered => _buffer.AsMemory(_start, _end - _start);

    /// <summary>Marks <paramref name="count"/> buffered bytes as consumed.</summary>
    public void Consume(int count) => _start += count;

    /// <summary>
    /// Reads up to the blank line that ends an HTTP head and returns the head without it
    /// (Latin-1 decoded); null on a clean end of stream before any byte.
    /// </summary>
    public async ValueTask<string?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        // Offsets are relative to _start: FillAsync may compact the buffer.
        var scanned = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var index = span[scanned..].IndexOf("\r\n\r\n"u8);
            if (index >= 0)
            {
                var headLength = scanned + index;
                var head = Encoding.Latin1.GetString(span[..headLength]);
                _start += headLength + 4;
                return head;
            }

            scanned = Math.Max(0, span.Length - 3);
            if (span.Length >= MaxHeadBytes)
            {
                throw new RequestRejectedException(431, "request head too large");
            }

            var read = await FillAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new RequestRejectedException(400, "connection closed inside an HTTP head");
            }
        }
    }

    /// <summary>Reads one CRLF-terminated line (for chunk sizes and trailers).</summary>
    public async ValueTask<string> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var index = span[scanned..].IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var length = scanned + index;
                var line = Encoding.Latin1.GetString(span[..length]);
                _start += length + 2;
                return line;
            }

            scanned = Math.Max(0, span.Length - 1);
            if (span.Length > maxLength)
            {
                throw new RequestRejectedException(400, "line too long");
            }

            if (await FillAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new RequestRejectedException(400, "connection closed inside a line");
            }
        }
    }

    /// <summary>Reads into <paramref name="destination"/> from the buffer first, then the socket; 0 at end of stream.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_end > _start)
        {
            var count = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, count).CopyTo(destination);
            _start += count;
            return count;
        }

        return await Socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills <paramref name="destination"/> completely, failing at a premature end of stream.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (offset < destination.Length)
        {
            var read = await ReadAsync(destination[offset..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new RequestRejectedException(400, "connection closed inside a body");
            }

            offset += read;
        }
    }

    /// <summary>Ensures at least one byte is buffered; returns false at end of stream.</summary>
    public async ValueTask<bool> EnsureBufferedAsync(CancellationToken cancellationToken) =>
        _end > _start || await FillAsync(cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>Sends all bytes.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await Socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <inheritdoc />
    public void Dispose() => Socket.Dispose();

    private async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                throw new RequestRejectedException(431, "HTTP head too large");
            }

            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _end += read;
        return read;
    }
}
