namespace ServerlessDocker.Cli.Commands;

/// <summary>A `sdock jobs` call the gateway could not answer (unreachable, bad token, unknown job, refused run).</summary>
internal sealed class JobsCommandException(string message, Exception? innerException = null)
    : ServerlessDockerException(message, innerException);
