namespace ServerlessDocker.Swarm;

/// <summary>Swarm entry points on <see cref="DockerFunctions"/>.</summary>
public static class SwarmDockerFunctionsExtensions
{
    /// <summary>A Swarm backend on this client's engine, which must be a Swarm manager.</summary>
    public static SwarmBackend Swarm(this DockerFunctions docker, SwarmOptions? options = null) =>
        new(docker.Engine, docker.Endpoint.Uri, options, docker.Time);

    /// <summary>A view of this client whose commands run as Swarm services.</summary>
    public static DockerFunctions WithSwarm(this DockerFunctions docker, SwarmOptions? options = null) =>
        docker.WithDefaultBackend(docker.Swarm(options));

    /// <summary>True when this client's engine is a Swarm manager (so it can take services).</summary>
    public static Task<bool> IsSwarmManagerAsync(this DockerFunctions docker, CancellationToken cancellationToken = default) =>
        Internal.EngineErrors.CallAsync(docker.Endpoint.Uri, "tell whether it is a Swarm manager", () =>
            SwarmBackend.IsManagerAsync(docker.Engine, cancellationToken));

    /// <summary>
    /// The "auto" choice: Swarm when the engine is a Swarm manager, the local engine otherwise. Call it only when the
    /// caller asked for Swarm in its configuration; the local engine stays the default everywhere else.
    /// </summary>
    public static async Task<DockerFunctions> WithSwarmIfManagerAsync(
        this DockerFunctions docker, SwarmOptions? options = null, CancellationToken cancellationToken = default) =>
        await docker.IsSwarmManagerAsync(cancellationToken).ConfigureAwait(false)
            ? docker.WithSwarm(options)
            : docker;
}
