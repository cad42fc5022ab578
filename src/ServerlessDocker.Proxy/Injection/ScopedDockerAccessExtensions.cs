namespace ServerlessDocker.Proxy;

/// <summary>Run options that give a function container scoped Docker access through a <see cref="ScopedDockerProxy"/>.</summary>
public static class ScopedDockerAccessExtensions
{
    /// <summary>
    /// Runs the container with its own scoped Docker API at <c>/var/run/docker.sock</c> (and <c>DOCKER_HOST</c>):
    /// it sees and manages only the containers it starts; they are removed with it (by policy).
    /// </summary>
    /// <param name="command">The command to run.</param>
    /// <param name="proxy">The running proxy.</param>
    /// <param name="policy">The scope's policy (the proxy's default when null).</param>
    /// <param name="parent">Make the function's scope a child of this scope, so the parent sees what it starts.</param>
    public static ContainerCommand WithScopedDockerAccess(this ContainerCommand command, ScopedDockerProxy proxy, ProxyPolicy? policy = null, ProxyScope? parent = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.WithHook(new ScopedDockerAccessHook(proxy, policy, parent));
    }
}
