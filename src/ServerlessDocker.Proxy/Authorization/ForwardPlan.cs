namespace ServerlessDocker.Proxy.Authorization;

/// <summary>The exact request the proxy will send upstream after authorising it.</summary>
internal sealed record ForwardPlan
{
    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The canonical target (version prefix, resolved full IDs, rebuilt query).</summary>
    public required string Target { get; init; }

    /// <summary>The re-serialised JSON body, or null for none.</summary>
    public byte[]? Body { get; init; }

    /// <summary>True when the client's body is streamed through (tar uploads).</summary>
    public bool StreamBody { get; init; }

    /// <summary>
    /// When set, a streamed body is read whole (into a temporary file) and handed to this check before any of it is
    /// forwarded; the check throws <see cref="RequestRejectedException"/> to refuse the request.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? CheckStreamedBody { get; init; }

    /// <summary>True for attach and exec start.</summary>
    public bool Hijack { get; init; }

    /// <summary>Reasons the policy would have denied the request (warn mode only).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Called with the status and body of an answer that arrived whole with its head (a best-effort hint, for caches).</summary>
    public Action<int, ReadOnlyMemory<byte>>? OnWholeAnswer { get; init; }

    /// <summary>Rewrites a whole 200 answer before the client sees it (<see cref="AnswerFilter"/>), or null to relay it as is.</summary>
    public Func<byte[], byte[]>? FilterAnswer { get; init; }

    /// <summary>Called once with the upstream status (or 0 when the upstream call failed), for example to release a quota lock.</summary>
    public Func<int, ValueTask>? OnCompleted { get; init; }
}
