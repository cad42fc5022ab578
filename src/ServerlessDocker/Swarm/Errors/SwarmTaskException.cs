namespace ServerlessDocker.Swarm;

/// <summary>
/// A Swarm task could not run to an exit code: the cluster rejected it, never started it, or lost its node.
/// The service was removed before this was thrown.
/// </summary>
public abstract class SwarmTaskException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    private protected SwarmTaskException(string message, string image, string serviceId, string? taskId, string? nodeHostname)
        : base(message)
    {
        Image = image;
        ServiceId = serviceId;
        TaskId = taskId;
        NodeHostname = nodeHostname;
    }

    /// <summary>The image that was to run.</summary>
    public string Image { get; }

    /// <summary>The service that was created for the run (already removed).</summary>
    public string ServiceId { get; }

    /// <summary>The task, or null when the scheduler never created one.</summary>
    public string? TaskId { get; }

    /// <summary>The node the task was on, or null when it never got one.</summary>
    public string? NodeHostname { get; }

    private protected static string Short(string? id) => id is null ? "?" : id.Length > 12 ? id[..12] : id;
}
