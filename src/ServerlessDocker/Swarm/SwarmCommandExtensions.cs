using System.Diagnostics.Contracts;

namespace ServerlessDocker.Swarm;

/// <summary>
/// Swarm options on a <see cref="ContainerCommand"/>. Each returns a command with the option added to its
/// <see cref="SwarmOptions"/> (carried by the command, see <see cref="ContainerCommand.WithBackendOptions{TOptions}"/>);
/// the command must already run on a <see cref="SwarmBackend"/> (see <see cref="OnSwarm"/>).
/// </summary>
public static class SwarmCommandExtensions
{
    /// <summary>Runs the command on the given Swarm.</summary>
    [Pure]
    public static ContainerCommand OnSwarm(this ContainerCommand command, SwarmBackend swarm) => command.WithBackend(swarm);

    /// <summary>Changes the Swarm options the command runs with (starting from the backend's defaults).</summary>
    [Pure]
    public static ContainerCommand WithSwarmOptions(this ContainerCommand command, Func<SwarmOptions, SwarmOptions> configure)
    {
        if (command.Backend is not SwarmBackend swarm)
        {
            throw new InvalidCommandException("swarm", $"the command runs on the '{command.Backend.Name}' backend; call OnSwarm(...) (or use a Swarm-backed DockerFunctions) before setting Swarm options.");
        }

        ArgumentNullException.ThrowIfNull(configure);
        return command.WithBackendOptions(configure(swarm.OptionsFor(command)));
    }

    /// <summary>Adds a placement constraint, for example <c>node.role==worker</c> or <c>node.hostname!=db1</c>.</summary>
    [Pure]
    public static ContainerCommand WithPlacementConstraint(this ContainerCommand command, string constraint) =>
        command.WithSwarmOptions(o => o with { Constraints = [.. o.Constraints, constraint] });

    /// <summary>Reserves CPUs and/or memory: only a node with that much free takes the task.</summary>
    [Pure]
    public static ContainerCommand WithResourceReservation(this ContainerCommand command, double? cpus, long? memoryBytes = null) =>
        command.WithSwarmOptions(o => o with { CpuReservation = cpus, MemoryReservationBytes = memoryBytes });

    /// <summary>Attaches the task to a network (an attachable overlay network).</summary>
    [Pure]
    public static ContainerCommand WithSwarmNetwork(this ContainerCommand command, string network) =>
        command.WithSwarmOptions(o => o with { Networks = [.. o.Networks, network] });

    /// <summary>Mounts a Swarm secret into the task.</summary>
    [Pure]
    public static ContainerCommand WithSwarmSecret(this ContainerCommand command, SwarmFile secret) =>
        command.WithSwarmOptions(o => o with { Secrets = [.. o.Secrets, secret] });

    /// <summary>Mounts a Swarm config into the task.</summary>
    [Pure]
    public static ContainerCommand WithSwarmConfig(this ContainerCommand command, SwarmFile config) =>
        command.WithSwarmOptions(o => o with { Configs = [.. o.Configs, config] });

    /// <summary>Passes registry credentials to the nodes, for a private image.</summary>
    [Pure]
    public static ContainerCommand WithRegistryAuth(this ContainerCommand command, SwarmRegistryAuth auth) =>
        command.WithSwarmOptions(o => o with { RegistryAuth = auth });

    /// <summary>Sets how long the task may take to start before the run fails with <see cref="SwarmTaskPendingException"/>.</summary>
    [Pure]
    public static ContainerCommand WithStartTimeout(this ContainerCommand command, TimeSpan startTimeout)
    {
        if (startTimeout <= TimeSpan.Zero)
        {
            throw new InvalidCommandException("start timeout", $"{startTimeout} is not a timeout; use a positive duration such as 30s.");
        }

        return command.WithSwarmOptions(o => o with { StartTimeout = startTimeout });
    }

    /// <summary>Adds a label to the service (not only the container).</summary>
    [Pure]
    public static ContainerCommand WithServiceLabel(this ContainerCommand command, string name, string value) =>
        command.WithSwarmOptions(o => o with { ServiceLabels = new Dictionary<string, string>(o.ServiceLabels) { [name] = value } });
}
