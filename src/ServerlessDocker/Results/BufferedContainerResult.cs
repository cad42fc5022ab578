namespace ServerlessDocker;

/// <summary>The outcome of a buffered run: the exit code and both output streams, kept apart.</summary>
public sealed class BufferedContainerResult : ContainerResult
{
    /// <summary>Creates a result.</summary>
    public BufferedContainerResult(ContainerResult result, string standardOutput, string standardError)
        : base(result.ContainerId, result.ExitCode, result.StartTime, result.ExitTime)
    {
        Node = result.Node;
        OomKilled = result.OomKilled;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    /// <summary>Everything the container wrote to stdout.</summary>
    public string StandardOutput { get; }

    /// <summary>Everything the container wrote to stderr.</summary>
    public string StandardError { get; }
}
