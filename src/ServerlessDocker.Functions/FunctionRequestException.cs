namespace ServerlessDocker.Functions;

/// <summary>
/// The request cannot be served as sent (a body over the cap, a form of the wrong type, a body shorter than its
/// Content-Length). <see cref="CgiFunction"/> answers it with <see cref="StatusCode"/> and the message.
/// </summary>
public sealed class FunctionRequestException : ServerlessDockerException
{
    /// <summary>Creates the exception with the HTTP status that describes the problem (4xx).</summary>
    public FunctionRequestException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the response gets, e.g. 413 for a body over the cap.</summary>
    public int StatusCode { get; }
}
