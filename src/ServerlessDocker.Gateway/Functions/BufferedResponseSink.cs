namespace ServerlessDocker.Gateway.Functions;

/// <summary>Keeps a call's response in memory (asynchronous calls), up to a limit; the rest is counted, not kept.</summary>
internal sealed class BufferedResponseSink(long limit) : IResponseSink
{
    private readonly MemoryStream _body = new();

    public bool HasStarted { get; private set; }

    public int StatusCode { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; private set; } = [];

    public bool Truncated { get; private set; }

    public bool Aborted { get; private set; }

    public byte[] Body => _body.ToArray();

    public string? ContentType => Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;

    public void Start(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        StatusCode = statusCode;
        Headers = headers;
        HasStarted = true;
    }

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var room = (int)Math.Max(0, Math.Min(data.Length, limit - _body.Length));
        _body.Write(data.Span[..room]);
        Truncated |= room < data.Length;
        return Task.CompletedTask;
    }

    public void Abort() => Aborted = true;
}
