using System.Text;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>A write-only stream keeping the last <c>limit</c> bytes written (a run's log tail).</summary>
internal sealed class TailStream(int limit) : Stream
{
    private readonly Queue<byte> _tail = new();

    public bool Truncated { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _tail.Count;

    public override long Position { get => _tail.Count; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        foreach (var b in buffer)
        {
            _tail.Enqueue(b);
            if (_tail.Count > limit)
            {
                _tail.Dequeue();
                Truncated = true;
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>The kept bytes as UTF-8 text, with a marker first when earlier output was dropped.</summary>
    public override string ToString() => (Truncated ? "[...]\n" : "") + Encoding.UTF8.GetString([.. _tail]);
}
