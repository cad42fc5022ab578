namespace ServerlessDocker.Gateway.Execution;

/// <summary>What happened to a call.</summary>
/// <param name="StatusCode">The HTTP status the client got (or would have got); 499 when the client went away.</param>
/// <param name="ExitCode">The container's exit code when it exited.</param>
/// <param name="ContainerId">The container, when one was created.</param>
/// <param name="Error">Why the call failed, for the log and dashboard; null on success.</param>
/// <param name="Stderr">The start of the function's stderr.</param>
/// <param name="Duration">Wall time of the run.</param>
/// <param name="LocalRedirect">A local path the program redirected to (RFC 3875 §6.2.2); the caller fetches it.</param>
internal sealed record ExecutionResult(
    int StatusCode,
    long? ExitCode,
    string? ContainerId,
    string? Error,
    string Stderr,
    TimeSpan Duration,
    string? LocalRedirect)
{
    /// <summary>Status used when the client disconnected (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;
}
