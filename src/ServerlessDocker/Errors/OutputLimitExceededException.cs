namespace ServerlessDocker;

/// <summary>
/// A buffered run produced more output than its cap. The container was stopped and removed.
/// </summary>
public sealed class OutputLimitExceededException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public OutputLimitExceededException(string image, long limitBytes)
        : base($"The output of {image} exceeded the buffered output cap of {limitBytes} bytes; the container was stopped and removed. " +
               "Raise it with WithOutputLimit(...), or stream the output with ExecuteAsync/ListenAsync instead of buffering it.")
    {
        Image = image;
        LimitBytes = limitBytes;
    }

    /// <summary>The image that ran.</summary>
    public string Image { get; }

    /// <summary>The cap, in bytes, per stream.</summary>
    public long LimitBytes { get; }
}
