using ServerlessDocker.Gateway.Cgi;

namespace ServerlessDocker.Gateway.Triggers.Async;

/// <summary>State of an asynchronous call.</summary>
internal enum AsyncCallStatus
{
    /// <summary>Accepted, waiting to run (or waiting for its next attempt).</summary>
    Queued,

    /// <summary>Running now.</summary>
    Running,

    /// <summary>Its attempt was cut off by the gateway process ending; cleared up and retried (or failed) at the next start.</summary>
    Interrupted,

    /// <summary>Finished with a non-failing status.</summary>
    Succeeded,

    /// <summary>Failed on its last attempt.</summary>
    Failed,
}

/// <summary>An asynchronous call as stored (it survives gateway restarts).</summary>
internal sealed record AsyncCall
{
    /// <summary>The X-Call-Id.</summary>
    public required string Id { get; init; }

    /// <summary>The function to run.</summary>
    public required string Function { get; init; }

    /// <summary>Current state.</summary>
    public AsyncCallStatus Status { get; init; }

    /// <summary>The request as the CGI program will see it.</summary>
    public required CgiRequest Request { get; init; }

    /// <summary>The request body.</summary>
    public byte[] Body { get; init; } = [];

    /// <summary>SCRIPT_NAME of the call.</summary>
    public string ScriptName { get; init; } = "";

    /// <summary>PATH_INFO of the call.</summary>
    public string PathInfo { get; init; } = "";

    /// <summary>Whether the function may see the Authorization header.</summary>
    public bool PassAuthorization { get; init; }

    /// <summary>Where the result is POSTed when the call ends, if anywhere.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When the call was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the call reached its final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When the next attempt is due.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>HTTP status of the last attempt.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>Exit code of the last attempt's container.</summary>
    public long? ExitCode { get; init; }

    /// <summary>Wall time of the last attempt in milliseconds.</summary>
    public double? DurationMs { get; init; }

    /// <summary>Response body of the last attempt (up to the gateway's maxStoredOutput).</summary>
    public byte[] Output { get; init; } = [];

    /// <summary>Content-Type of the output.</summary>
    public string? OutputContentType { get; init; }

    /// <summary>Why the last attempt failed.</summary>
    public string? Error { get; init; }

    /// <summary>Stderr of the last attempt.</summary>
    public string? Stderr { get; init; }

    /// <summary>Callback delivery: null (none), "delivered" or "failed".</summary>
    public string? CallbackStatus { get; init; }

    /// <summary>Why the callback failed.</summary>
    public string? CallbackError { get; init; }
}
