namespace ServerlessDocker.Swarm;

/// <summary>
/// The node running the task left the cluster (its daemon stopped, the machine died, or the network split)
/// before the task's exit was reported. The task's output and exit code are unknown; the service was removed.
/// </summary>
public sealed class SwarmNodeLostException : SwarmTaskException
{
    /// <summary>Creates the exception.</summary>
    public SwarmNodeLostException(string image, string serviceId, string? taskId, string nodeId, string? nodeHostname, string nodeState)
        : base($"The Swarm node {nodeHostname ?? Short(nodeId)} running task {Short(taskId)} for {image} is {nodeState}: the node was lost mid-run, " +
               "so the task's output and exit code are unknown. Run it again (it may have had side effects already).",
            image, serviceId, taskId, nodeHostname)
    {
        NodeId = nodeId;
        NodeState = nodeState;
    }

    /// <summary>The id of the lost node.</summary>
    public string NodeId { get; }

    /// <summary>The node state the manager reported ("down", "disconnected", "unknown").</summary>
    public string NodeState { get; }
}
