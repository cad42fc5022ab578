namespace ServerlessDocker;

/// <summary>
/// A function container exited with a non-zero code. Carries both output streams, because the
/// output of a failed run is usually what explains the failure.
/// </summary>
public sealed class ContainerExitException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerExitException(
        string image, IReadOnlyList<string> arguments, string containerId, long exitCode,
        string standardOutput, string standardError, bool outputIsTail = false)
        : base(BuildMessage(image, arguments, containerId, exitCode, standardError, outputIsTail))
    {
        Image = image;
        Arguments = arguments;
        ContainerId = containerId;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        OutputIsTail = outputIsTail;
    }

    /// <summary>The image that ran.</summary>
    public string Image { get; }

    /// <summary>The arguments the container was started with.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The id of the container (or Swarm task) that ran.</summary>
    public string ContainerId { get; }

    /// <summary>The container's exit code.</summary>
    public long ExitCode { get; }

    /// <summary>What the container wrote to stdout (the last part only when <see cref="OutputIsTail"/>).</summary>
    public string StandardOutput { get; }

    /// <summary>What the container wrote to stderr (the last part only when <see cref="OutputIsTail"/>).</summary>
    public string StandardError { get; }

    /// <summary>True when the output was streamed elsewhere and only its last kilobytes are kept here.</summary>
    public bool OutputIsTail { get; }

    private static string BuildMessage(
        string image, IReadOnlyList<string> arguments, string containerId, long exitCode, string stderr, bool tail)
    {
        var shortId = containerId.Length > 12 ? containerId[..12] : containerId;
        var args = arguments.Count == 0 ? "" : " " + string.Join(' ', arguments);
        var message = $"Container {shortId} ({image}{args}) exited with code {exitCode}.";
        var trimmed = stderr.TrimEnd();
        if (trimmed.Length > 0)
        {
            message += $"{Environment.NewLine}{(tail ? "Last stderr" : "Stderr")}:{Environment.NewLine}{Truncate(trimmed)}";
        }

        return message + Environment.NewLine +
               "To get the result instead of an exception, call WithValidation(ResultValidation.None) on the command.";
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : "..." + text[^2000..];
}
