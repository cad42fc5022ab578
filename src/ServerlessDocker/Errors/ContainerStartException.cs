namespace ServerlessDocker;

/// <summary>
/// The container was created but its command could not be started: it does not exist in the image (exit code 127,
/// as a shell and <c>docker run</c> report it) or is not executable (126). The container was removed.
/// </summary>
public sealed class ContainerStartException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerStartException(string image, IReadOnlyList<string> command, int exitCode, string engineMessage, Exception? innerException = null)
        : base($"The command of {image} could not be started ({(exitCode == 127 ? "not found in the image" : "not executable")}): " +
               $"{engineMessage} Check the image's entrypoint and the arguments{(command.Count > 0 ? $" ({string.Join(' ', command)})" : "")}.",
            innerException)
    {
        Image = image;
        Command = command;
        ExitCode = exitCode;
        EngineMessage = engineMessage;
    }

    /// <summary>The image.</summary>
    public string Image { get; }

    /// <summary>The arguments the container was to run.</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>127 when the command was not found, 126 when it could not be executed — docker's codes.</summary>
    public int ExitCode { get; }

    /// <summary>The engine's own words.</summary>
    public string EngineMessage { get; }

    /// <summary>Recognises the engine's start failures that mean "no such command" or "cannot execute it", as the docker CLI does.</summary>
    internal static ContainerStartException? From(ContainerCommand command, EngineApiException ex)
    {
        var message = EngineApiException.ExtractMessage(ex.ResponseBody);
        int? code = message switch
        {
            _ when message.Contains("executable file not found", StringComparison.Ordinal) ||
                   message.Contains("no such file or directory", StringComparison.Ordinal) => 127,
            _ when message.Contains("permission denied", StringComparison.Ordinal) => 126,
            _ => null,
        };
        return code is { } c ? new ContainerStartException(command.Image, command.Arguments, c, message, ex) : null;
    }
}
