namespace ServerlessDocker.Gateway.Functions;

/// <summary>How a call ended, decided once (by <see cref="InvocationClassifier"/>) rather than by catch order.</summary>
internal enum InvocationOutcome
{
    /// <summary>The function answered; the status is the one it chose (200 in plain mode).</summary>
    Completed,

    /// <summary>The program asked for a local redirect; the invoker follows it (never a final outcome).</summary>
    LocalRedirect,

    /// <summary>No concurrency slot within the wait (429).</summary>
    Busy,

    /// <summary>The backend refused the command before anything ran, e.g. a body for a Swarm function (400).</summary>
    Refused,

    /// <summary>The call's run name is taken: another run claimed it, and nothing was created (409).</summary>
    NameTaken,

    /// <summary>The function ran past its timeout; the container was stopped and removed (504).</summary>
    TimedOut,

    /// <summary>The function wrote more than maxResponse; the call was cut off (502).</summary>
    ResponseTooLarge,

    /// <summary>The output is not a CGI response (502).</summary>
    InvalidResponse,

    /// <summary>A plain-mode function exited non-zero (500).</summary>
    FunctionFailed,

    /// <summary>The function's image does not exist (502).</summary>
    ImageNotFound,

    /// <summary>The Docker engine cannot be reached (503).</summary>
    EngineUnavailable,

    /// <summary>The caller went away (or the gateway is stopping); the container was stopped and removed (499).</summary>
    Disconnected,

    /// <summary>Any other failure of the run (engine API errors, a dying connection) (502).</summary>
    Failed,
}

/// <summary>What happened to a call.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="StatusCode">The HTTP status the caller got (or would have got); 499 when it went away.</param>
/// <param name="ExitCode">The container's exit code when it exited.</param>
/// <param name="ContainerId">The container, when one was created.</param>
/// <param name="Error">Why the call failed, for the log and dashboard; null on success.</param>
/// <param name="Stderr">The start of the function's stderr.</param>
/// <param name="Duration">Wall time of the run.</param>
/// <param name="LocalRedirect">With <see cref="InvocationOutcome.LocalRedirect"/>: the local path to fetch.</param>
/// <param name="Node">The Swarm node that ran it (or where its task was lost); null on the local engine.</param>
internal sealed record InvocationResult(
    InvocationOutcome Outcome,
    int StatusCode,
    long? ExitCode,
    string? ContainerId,
    string? Error,
    string Stderr,
    TimeSpan Duration,
    string? LocalRedirect = null,
    string? Node = null)
{
    /// <summary>Status used when the caller disconnected (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>
    /// Whether the call failed, for retries: a gateway-side or function-side failure. A 4xx the program chose is an
    /// answer, not a failure; a busy gateway, a run name claimed by another run or a caller that left is no verdict
    /// on the call.
    /// </summary>
    public bool IsFailure => Outcome switch
    {
        InvocationOutcome.Completed => StatusCode >= 500 || StatusCode is 408 or 429,
        InvocationOutcome.Busy or InvocationOutcome.NameTaken or InvocationOutcome.Disconnected or InvocationOutcome.LocalRedirect => false,
        _ => true,
    };
}
