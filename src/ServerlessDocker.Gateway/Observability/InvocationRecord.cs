using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Observability;

/// <summary>One finished (or running) call as the dashboard and admin API show it.</summary>
internal sealed record InvocationRecord
{
    /// <summary>The X-Call-Id.</summary>
    public required string Id { get; init; }

    /// <summary>Function name.</summary>
    public required string Function { get; init; }

    /// <summary>Sync or async.</summary>
    public InvocationKind Kind { get; init; }

    /// <summary>HTTP method of the request.</summary>
    public string Method { get; init; } = "";

    /// <summary>Request path.</summary>
    public string Path { get; init; } = "";

    /// <summary>When the call arrived.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>HTTP status (0 while running, 499 when the client left).</summary>
    public int Status { get; init; }

    /// <summary>Container exit code, when it exited.</summary>
    public long? ExitCode { get; init; }

    /// <summary>Wall time in milliseconds.</summary>
    public double DurationMs { get; init; }

    /// <summary>The container that served the call.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Why the call failed.</summary>
    public string? Error { get; init; }

    /// <summary>The start of the function's stderr (its log).</summary>
    public string Logs { get; init; } = "";
}
