namespace ServerlessDocker;

/// <summary>
/// A run was given a name (<see cref="ContainerCommand.WithName"/>) that a container or service on the engine already
/// has. Nothing was created for this run.
/// </summary>
public sealed class ContainerNameConflictException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerNameConflictException(string name, Exception? innerException = null)
        : base($"The name '{name}' is already in use on the engine, so this run was not started. " +
               "Choose another name, or remove the existing one (docker rm / sdock prune) first.", innerException)
    {
        Name = name;
    }

    /// <summary>The name that is taken.</summary>
    public string Name { get; }
}
