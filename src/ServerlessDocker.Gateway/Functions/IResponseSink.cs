namespace ServerlessDocker.Gateway.Functions;

/// <summary>Where a call's response goes: the live HTTP response (sync) or a buffer (async).</summary>
internal interface IResponseSink
{
    /// <summary>True once a status was chosen; after that an error can only cut the response off.</summary>
    bool HasStarted { get; }

    /// <summary>Sets status and headers.</summary>
    void Start(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers);

    /// <summary>Writes body bytes and flushes them to the client.</summary>
    Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Cuts the response off (the client sees an incomplete response, not a truncated "success").</summary>
    void Abort();
}
