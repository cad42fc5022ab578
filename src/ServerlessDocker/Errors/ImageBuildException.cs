namespace ServerlessDocker;

/// <summary>The engine could not build an image from the given context (the message is the engine's reason).</summary>
public sealed class ImageBuildException : ServerlessDockerException
{
    /// <summary>Creates the exception with the engine's reason.</summary>
    public ImageBuildException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
