namespace ServerlessDocker;

/// <summary>
/// The Docker engine could not be reached at the configured endpoint.
/// </summary>
public sealed class EngineUnavailableException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException(Uri endpoint, Exception? innerException = null)
        : base($"Cannot reach the Docker engine at {endpoint}: {innerException?.GetBaseException().Message ?? "no answer"}. " +
               "Start Docker (for example `dockerd &`, or `scripts/engine up` in this repository) or point DOCKER_HOST at a running engine.",
               innerException)
    {
        Endpoint = endpoint;
    }

    /// <summary>The endpoint that was tried.</summary>
    public Uri Endpoint { get; }
}
