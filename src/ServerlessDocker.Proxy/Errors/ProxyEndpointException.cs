namespace ServerlessDocker.Proxy;

/// <summary>The proxy cannot speak to the configured upstream engine endpoint (for example a TLS endpoint).</summary>
public sealed class ProxyEndpointException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">The endpoint that was configured.</param>
    /// <param name="problem">Why the proxy cannot use it and what to do instead.</param>
    public ProxyEndpointException(Uri endpoint, string problem)
        : base($"the scoped Docker proxy cannot use the engine at {endpoint}: {problem}")
    {
        Endpoint = endpoint;
    }

    /// <summary>The endpoint that was configured.</summary>
    public Uri Endpoint { get; }
}
