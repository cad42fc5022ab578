namespace ServerlessDocker.Proxy.Routing;

/// <summary>Raised inside the proxy to answer a request with an error status instead of forwarding it.</summary>
internal sealed class RequestRejectedException(int statusCode, string message) : ServerlessDockerException(message)
{
    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; } = statusCode;
}
