namespace ServerlessDocker.Proxy;

/// <summary>
/// Raised inside the proxy to answer a request with an error status instead of forwarding it: a malformed HTTP message,
/// an unacceptable body, a policy refusal or an engine failure while deciding. One type, so one handler answers them all.
/// </summary>
internal sealed class RequestRejectedException(int statusCode, string message) : ServerlessDockerException(message)
{
    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; } = statusCode;
}
