namespace ServerlessDocker;

/// <summary>
/// A run took longer than its timeout. The container was stopped (graceful stop, then kill) and removed.
/// </summary>
public sealed class ContainerTimeoutException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerTimeoutException(string image, string? containerId, TimeSpan timeout)
        : base($"The run of {image} timed out after {timeout.TotalSeconds:0.###}s; " +
               (containerId is null ? "no container had been created yet." : $"container {Short(containerId)} was stopped and removed.") +
               " Raise the limit with WithTimeout(...) (CLI: --timeout) if the function needs longer.")
    {
        Image = image;
        ContainerId = containerId;
        Timeout = timeout;
    }

    /// <summary>The image that ran.</summary>
    public string Image { get; }

    /// <summary>The container that was stopped, or null when the timeout hit before it was created.</summary>
    public string? ContainerId { get; }

    /// <summary>The timeout that was exceeded.</summary>
    public TimeSpan Timeout { get; }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
