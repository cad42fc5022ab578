namespace ServerlessDocker.Proxy.Http;

/// <summary>A malformed or unacceptable HTTP message; the connection is answered with the status and closed.</summary>
internal sealed class HttpFramingException(int statusCode, string message) : ServerlessDockerException(message)
{
    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; } = statusCode;
}
