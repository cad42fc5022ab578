using System.Buffers.Binary;
using System.Text;

namespace ServerlessDocker.Warm;

/// <summary>The frame types of the warm protocol (docs/designs/warm.md). One byte on the wire.</summary>
internal enum WarmFrameType : byte
{
    /// <summary>Host → agent, first frame of the hold connection: the agent lives as long as it stays open.</summary>
    Hold = (byte)'H',

    /// <summary>Agent → host, the answer to <see cref="Hold"/>: the agent's pid.</summary>
    Ready = (byte)'Y',

    /// <summary>Host → agent, first frame of a call connection: argv, environment, working directory.</summary>
    Start = (byte)'S',

    /// <summary>Host → agent: a chunk of the call's stdin.</summary>
    Stdin = (byte)'I',

    /// <summary>Host → agent: the call's stdin ends.</summary>
    StdinEof = (byte)'E',

    /// <summary>Host → agent: send a signal to the call's process group.</summary>
    Kill = (byte)'K',

    /// <summary>
    /// Host → agent, attach transport only (one stream carries call after call): the host is done with the call. Before
    /// <see cref="Exited"/> it means "abandoned": the call's group is killed. On a unix socket, closing the connection says it.
    /// </summary>
    Done = (byte)'D',

    /// <summary>Agent → host: the call runs, with this pid.</summary>
    Started = (byte)'P',

    /// <summary>Agent → host: the call could not be started (127 not found, 126 not executable) and why.</summary>
    StartFailed = (byte)'F',

    /// <summary>Agent → host: a chunk of the call's stdout.</summary>
    Stdout = (byte)'O',

    /// <summary>Agent → host: a chunk of the call's stderr.</summary>
    Stderr = (byte)'R',

    /// <summary>Agent → host: this many stdin bytes were written to the call; the host may send as many more.</summary>
    StdinAck = (byte)'A',

    /// <summary>Agent → host, last frame of a call: the exit code (128 + signal when signalled).</summary>
    Exited = (byte)'X',
}

/// <summary>What a Start frame carries.</summary>
/// <param name="Arguments">argv; argv[0] is looked up in the call's PATH when it has no slash.</param>
/// <param name="Environment">"NAME=value" entries laid over the agent's own environment (the image's).</param>
/// <param name="WorkingDirectory">The call's working directory, or empty for the agent's own.</param>
internal sealed record WarmStart(IReadOnlyList<string> Arguments, IReadOnlyList<string> Environment, string WorkingDirectory);

/// <summary>
/// The codec of the warm protocol: frames are <c>[type:1][length:4, big-endian][payload]</c>. Pure functions only,
/// shared by the agent and the host.
/// </summary>
internal static class WarmFrames
{
    /// <summary>Bytes of a frame header.</summary>
    public const int HeaderSize = 5;

    /// <summary>The largest payload of an output or input chunk.</summary>
    public const int MaxChunk = 64 * 1024;

    /// <summary>The largest payload of any frame (a Start frame with a big environment).</summary>
    public const int MaxPayload = 1024 * 1024;

    /// <summary>How many stdin bytes the host may have sent that the agent has not acknowledged yet.</summary>
    public const int StdinWindow = 256 * 1024;

    /// <summary>Writes a header into the first <see cref="HeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, WarmFrameType type, int length)
    {
        if ((uint)length > MaxPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"a frame carries at most {MaxPayload} bytes");
        }

        destination[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], length);
    }

    /// <summary>Reads a header; throws <see cref="InvalidDataException"/> for an unknown type or an oversized length.</summary>
    public static (WarmFrameType Type, int Length) ReadHeader(ReadOnlySpan<byte> header)
    {
        var type = (WarmFrameType)header[0];
        if (!Enum.IsDefined(type))
        {
            throw new InvalidDataException($"unknown warm frame type 0x{header[0]:x2}");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header[1..]);
        if ((uint)length > MaxPayload)
        {
            throw new InvalidDataException($"warm frame of {length} bytes exceeds the limit of {MaxPayload}");
        }

        return (type, length);
    }

    /// <summary>A whole frame: header and payload.</summary>
    public static byte[] Encode(WarmFrameType type, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        WriteHeader(frame, type, payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    /// <summary>A frame whose payload is one 32-bit big-endian number (Ready, Started, StdinAck, Exited).</summary>
    public static byte[] EncodeInt(WarmFrameType type, int value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, value);
        return Encode(type, payload);
    }

    /// <summary>Reads the number of a frame made by <see cref="EncodeInt"/>.</summary>
    public static int DecodeInt(ReadOnlySpan<byte> payload) =>
        payload.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(payload) : throw new InvalidDataException($"expected 4 bytes, got {payload.Length}");

    /// <summary>A Kill frame.</summary>
    public static byte[] EncodeKill(int signal) => Encode(WarmFrameType.Kill, [checked((byte)signal)]);

    /// <summary>The signal of a Kill frame.</summary>
    public static int DecodeKill(ReadOnlySpan<byte> payload) =>
        payload.Length == 1 ? payload[0] : throw new InvalidDataException($"a kill frame carries 1 byte, got {payload.Length}");

    /// <summary>A StartFailed frame: the exit code a cold run would give, and the reason.</summary>
    public static byte[] EncodeStartFailed(int code, string message)
    {
        var writer = new PayloadWriter();
        writer.Int(code);
        writer.String(message);
        return writer.ToFrame(WarmFrameType.StartFailed);
    }

    /// <summary>Reads a StartFailed frame.</summary>
    public static (int Code, string Message) DecodeStartFailed(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var code = reader.Int();
        var message = reader.String();
        reader.End();
        return (code, message);
    }

    /// <summary>A Start frame.</summary>
    public static byte[] EncodeStart(WarmStart start)
    {
        var writer = new PayloadWriter();
        writer.Strings(start.Arguments);
        writer.Strings(start.Environment);
        writer.String(start.WorkingDirectory);
        return writer.ToFrame(WarmFrameType.Start);
    }

    /// <summary>Reads a Start frame; throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public static WarmStart DecodeStart(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var arguments = reader.Strings();
        var environment = reader.Strings();
        var cwd = reader.String();
        reader.End();
        if (arguments.Count == 0)
        {
            throw new InvalidDataException("a start frame needs at least argv[0]");
        }

        return new WarmStart(arguments, environment, cwd);
    }

    private sealed class PayloadWriter
    {
        private readonly MemoryStream _buffer = new();

        public void Int(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, value);
            _buffer.Write(b);
        }

        public void String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Int(bytes.Length);
            _buffer.Write(bytes);
        }

        public void Strings(IReadOnlyList<string> values)
        {
            Int(values.Count);
            foreach (var v in values)
            {
                String(v);
            }
        }

        public byte[] ToFrame(WarmFrameType type)
        {
            if (_buffer.Length > MaxPayload)
            {
                throw new ArgumentException($"the {type} frame would carry {_buffer.Length} bytes, more than the limit of {MaxPayload}");
            }

            return Encode(type, _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length));
        }
    }

    private ref struct PayloadReader(ReadOnlySpan<byte> payload)
    {
        private ReadOnlySpan<byte> _rest = payload;

        public int Int()
        {
            if (_rest.Length < 4)
            {
                throw new InvalidDataException("warm frame payload ends inside a number");
            }

            var value = BinaryPrimitives.ReadInt32BigEndian(_rest);
            _rest = _rest[4..];
            return value;
        }

        public string String()
        {
            var length = Int();
            if ((uint)length > (uint)_rest.Length)
            {
                throw new InvalidDataException("warm frame payload ends inside a string");
            }

            var value = Encoding.UTF8.GetString(_rest[..length]);
            _rest = _rest[length..];
            return value;
        }

        public List<string> Strings()
        {
            var count = Int();
            if ((uint)count > (uint)_rest.Length / 4)
            {
                throw new InvalidDataException($"warm frame payload claims {count} strings");
            }

            var list = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                list.Add(String());
            }

            return list;
        }

        public readonly void End()
        {
            if (!_rest.IsEmpty)
            {
                throw new InvalidDataException($"{_rest.Length} unexpected bytes after the warm frame payload");
            }
        }
    }
}
