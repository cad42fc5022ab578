namespace ServerlessDocker.Swarm;

/// <summary>
/// The task did not start within the start timeout: no node satisfies the constraints, none has the reserved
/// resources free, or the image pull did not finish. The service was removed.
/// </summary>
public sealed class SwarmTaskPendingException : SwarmTaskException
{
    /// <summary>Creates the exception.</summary>
    public SwarmTaskPendingException(string image, string serviceId, string? taskId, string? nodeHostname, string state, string reason, TimeSpan startTimeout)
        : base($"The Swarm task {Short(taskId)} for {image} was still {state} after the start timeout of {startTimeout.TotalSeconds:0.###}s" +
               (reason.Length > 0 ? $": {reason}" : "") + ". " +
               "Relax the placement constraints or resource reservations, add nodes, or raise SwarmOptions.StartTimeout.",
            image, serviceId, taskId, nodeHostname)
    {
        State = state;
        Reason = reason;
        StartTimeout = startTimeout;
    }

    /// <summary>The state the task was stuck in ("pending", "assigned", "preparing", ...).</summary>
    public string State { get; }

    /// <summary>The scheduler's explanation, for example "no suitable node (scheduling constraints not satisfied on 3 nodes)".</summary>
    public string Reason { get; }

    /// <summary>The start timeout that was exceeded.</summary>
    public TimeSpan StartTimeout { get; }
}
