namespace ServerlessDocker;

/// <summary>
/// The root of every error this library reports. Catch it to handle any failure of a function run.
/// </summary>
public abstract class ServerlessDockerException : Exception
{
    /// <summary>Creates the exception with a message that says what went wrong and what to do.</summary>
    protected ServerlessDockerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
