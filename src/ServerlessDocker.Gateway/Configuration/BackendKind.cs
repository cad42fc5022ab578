namespace ServerlessDocker.Gateway.Configuration;

/// <summary>Where a function's containers run.</summary>
public enum BackendKind
{
    /// <summary>The gateway's own engine (DOCKER_HOST).</summary>
    Local,

    /// <summary>A Swarm (the gateway's <c>swarmHost</c>): a one-shot service per call, on any node. No request body (Swarm has no stdin).</summary>
    Swarm,
}
