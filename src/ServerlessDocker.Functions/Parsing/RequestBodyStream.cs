namespace ServerlessDocker.Functions.Parsing;

/// <summary>
/// The request body on stdin: exactly CONTENT_LENGTH bytes when it is given, otherwise everything up to EOF (the
/// gateway gives chunked bodies a length, other servers may not), never more than the cap.
/// </summary>
internal sealed class RequestBodyStream : Stream
{
#pragma warning disable CA2213 // stdin belongs to the host that gave it, which outlives the request.
    private readonly Stream _input;
#pragma warning restore CA2213
    private readonly long? _declaredLength;
    private readonly long _maxBytes;
    private long _read;

    public RequestBodyStream(Stream input, long? declaredLength, long maxBytes)
    {
        _input = input;
        _declaredLength = declaredLength;
        _maxBytes = maxBytes;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = Limit(buffer.Length);
        return wanted == 0 ? 0 : Account(_input.Read(buffer[..wanted]), buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = Limit(buffer.Length);
        return wanted == 0 ? 0 : Account(await _input.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false), buffer.Length);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Limit(int bufferLength)
    {
        if (bufferLength == 0)
        {
            return 0;
        }

        if (_declaredLength is { } declared)
        {
            if (declared > _maxBytes)
            {
                throw TooLarge();
            }

            return (int)Math.Min(bufferLength, declared - _read);
        }

        // One byte past the cap tells "exactly the cap" from "over it".
        return (int)Math.Min(bufferLength, _maxBytes - _read + 1);
    }

    private int Account(int count, int bufferLength)
    {
        _read += count;
        if (count == 0 && _declaredLength is { } declared && _read < declared && bufferLength > 0)
        {
            throw new FunctionRequestException(400, $"The request body ended after {_read} of the {declared} bytes its Content-Length announced.");
        }

        if (_read > _maxBytes)
        {
            throw TooLarge();
        }

        return count;
    }

    private FunctionRequestException TooLarge() =>
        new(413, $"The request body is larger than this function's limit of {_maxBytes} bytes; send less, or raise the limit with CgiRequest.FromEnvironment(maxBodyBytes: ...).");
}
