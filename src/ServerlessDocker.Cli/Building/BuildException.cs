namespace ServerlessDocker.Cli.Building;

/// <summary>`sdock build` cannot go on: a missing toolchain, a project that does not publish, AOT warnings.</summary>
internal sealed class BuildException(string message) : ServerlessDockerException(message);
