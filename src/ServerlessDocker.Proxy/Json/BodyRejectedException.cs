namespace ServerlessDocker.Proxy.Json;

/// <summary>Thrown inside the proxy when a request body cannot be accepted; mapped to a 400 answer.</summary>
internal sealed class BodyRejectedException(string message) : ServerlessDockerException(message);
