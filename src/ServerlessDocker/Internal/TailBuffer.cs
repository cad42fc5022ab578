using System.Text;

namespace ServerlessDocker.Internal;

/// <summary>Keeps the last few kilobytes of a stream, for error messages of streamed runs.</summary>
internal sealed class TailBuffer(int capacity = 8192)
{
    private readonly byte[] _buffer = new byte[capacity];
    private long _written;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > _buffer.Length)
        {
            _written += data.Length - _buffer.Length;
            data = data[^_buffer.Length..];
        }

        var pos = (int)(_written % _buffer.Length);
        var first = Math.Min(data.Length, _buffer.Length - pos);
        data[..first].CopyTo(_buffer.AsSpan(pos));
        data[first..].CopyTo(_buffer);
        _written += data.Length;
    }

    public override string ToString()
    {
        if (_written <= _buffer.Length)
        {
            return Encoding.UTF8.GetString(_buffer, 0, (int)_written);
        }

        var pos = (int)(_written % _buffer.Length);
        var ordered = new byte[_buffer.Length];
        _buffer.AsSpan(pos).CopyTo(ordered);
        _buffer.AsSpan(0, pos).CopyTo(ordered.AsSpan(_buffer.Length - pos));
        return Encoding.UTF8.GetString(ordered);
    }
}
