namespace ServerlessDocker.Cli;

/// <summary>Wraps stdout and remembers whether a write failed because its reader went away (EPIPE).</summary>
internal sealed class BrokenPipeDetector(Stream inner) : Stream
{
    /// <summary>The exit status of a process ended by SIGPIPE (128 + 13).</summary>
    public const int ExitCode = 141;

    public bool Broken { get; private set; }

    /// <summary>
    /// Stdout as a plain file stream on descriptor 1. Console's own stream hides EPIPE (it treats a gone reader as
    /// success), which would leave `sdock run yes | head -1` feeding a pipe nobody reads, forever.
    /// </summary>
    /// <remarks>Only for a pipe: a file stream on a regular file would write from offset 0, not where `>>` appends.</remarks>
    public static Stream OpenStandardOutput()
    {
        if (!Console.IsOutputRedirected)
        {
            return Console.OpenStandardOutput();
        }

        var pipe = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        if (!pipe.CanSeek)
        {
            return pipe;
        }

        pipe.Dispose();
        return Console.OpenStandardOutput();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => Guard(inner.Flush);

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            Broken = true;
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Guard(() => inner.Write(buffer, offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            Broken = true;
            throw;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (IOException)
        {
            Broken = true;
            throw;
        }
    }
}
