namespace ServerlessDocker.Warm;

/// <summary>A warm container could not be started or its agent stopped answering; the container was removed.</summary>
public sealed class WarmPoolException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public WarmPoolException(string image, string? containerId, string message, Exception? innerException = null)
        : base($"Warm pool of {image}{(containerId is null ? "" : $" (container {containerId[..Math.Min(12, containerId.Length)]})")}: {message}", innerException)
    {
        Image = image;
        ContainerId = containerId;
    }

    /// <summary>The pool's image.</summary>
    public string Image { get; }

    /// <summary>The container concerned, when there was one.</summary>
    public string? ContainerId { get; }
}
