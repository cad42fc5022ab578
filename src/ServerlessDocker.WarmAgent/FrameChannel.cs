using System.Net.Sockets;
using ServerlessDocker.Warm;

namespace ServerlessDocker.WarmAgent;

/// <summary>
/// One connection to the host — a unix socket per call, or the agent's own stdin/stdout for the attach transport:
/// whole frames in, whole frames out (writes from several threads, one at a time).
/// </summary>
internal sealed class FrameChannel : IDisposable
{
    private readonly object _sendLock = new();
    private readonly byte[] _header = new byte[WarmFrames.HeaderSize];
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly Socket? _socket;

    public FrameChannel(Socket socket)
    {
        _socket = socket;
        _input = _output = new NetworkStream(socket, ownsSocket: true);
    }

    public FrameChannel(Stream input, Stream output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>True when the channel carries one call after another (stdio), not one call per connection.</summary>
    public bool Shared => _socket is null;

    /// <summary>Reads the next frame; null at a clean end of the connection.</summary>
    public (WarmFrameType Type, byte[] Payload)? Read()
    {
        if (!ReadExactly(_header, allowEnd: true))
        {
            return null;
        }

        var (type, length) = WarmFrames.ReadHeader(_header);
        var payload = length == 0 ? [] : new byte[length];
        if (length > 0 && !ReadExactly(payload, allowEnd: false))
        {
            throw new EndOfStreamException("the connection ended inside a frame");
        }

        return (type, payload);
    }

    /// <summary>Sends one encoded frame.</summary>
    public void Send(ReadOnlySpan<byte> frame)
    {
        lock (_sendLock)
        {
            _output.Write(frame);
            _output.Flush();
        }
    }

    /// <summary>Sends a frame whose header is written into the first bytes of <paramref name="buffer"/>.</summary>
    public void Send(WarmFrameType type, byte[] buffer, int payloadLength)
    {
        WarmFrames.WriteHeader(buffer, type, payloadLength);
        Send(buffer.AsSpan(0, WarmFrames.HeaderSize + payloadLength));
    }

    /// <summary>Sends a frame, ignoring a host that has gone away.</summary>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        try
        {
            Send(frame);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void ShutdownSend()
    {
        try
        {
            _socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Gone already.
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
    }

    private bool ReadExactly(Span<byte> buffer, bool allowEnd)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = _input.Read(buffer[read..]);
            if (n == 0)
            {
                if (read == 0 && allowEnd)
                {
                    return false;
                }

                throw new EndOfStreamException("the connection ended inside a frame");
            }

            read += n;
        }

        return true;
    }
}
