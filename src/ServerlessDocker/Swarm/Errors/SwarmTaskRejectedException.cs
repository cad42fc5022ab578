namespace ServerlessDocker.Swarm;

/// <summary>
/// A node refused or failed to start the task (for example the image could not be pulled there, or a mount
/// source is missing). Swarm does not retry it: the run's restart condition is "none".
/// </summary>
public sealed class SwarmTaskRejectedException : SwarmTaskException
{
    /// <summary>Creates the exception.</summary>
    public SwarmTaskRejectedException(string image, string serviceId, string? taskId, string? nodeHostname, string state, string reason)
        : base($"The Swarm task {Short(taskId)} for {image} was {state} on node {nodeHostname ?? "?"}: {reason}. " +
               "Check that every node can pull the image (registry reachable, --insecure-registry or registry auth) and that mounts, secrets and networks exist.",
            image, serviceId, taskId, nodeHostname)
    {
        State = state;
        Reason = reason;
    }

    /// <summary>The task state Swarm reported ("rejected", "failed", "shutdown").</summary>
    public string State { get; }

    /// <summary>Swarm's own explanation.</summary>
    public string Reason { get; }
}
