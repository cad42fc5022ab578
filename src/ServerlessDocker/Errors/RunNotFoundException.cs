namespace ServerlessDocker;

/// <summary>
/// A run looked up by id or name (<see cref="DockerFunctions.GetRunAsync"/>) is not there, or is not one this
/// library started: only containers labelled <c>io.sdock.function=true</c> (on a Swarm, services labelled
/// <c>io.sdock.swarm=true</c>) can be waited for, read, killed or removed through it.
/// </summary>
public sealed class RunNotFoundException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public RunNotFoundException(string idOrName, bool exists, Exception? innerException = null)
        : base(exists
            ? $"'{idOrName}' is not a function run: it carries no io.sdock.function label, so sdock did not start it and leaves it alone. Use docker for it."
            : $"There is no function run '{idOrName}' on this engine: it was removed (sdock rm, sdock wait --rm, sdock kill and sdock prune remove runs) or never existed. " +
              "List the runs with 'sdock ps'.", innerException)
    {
        IdOrName = idOrName;
        Exists = exists;
    }

    /// <summary>The id or name that was looked up.</summary>
    public string IdOrName { get; }

    /// <summary>True when something by that id exists but was not started by this library.</summary>
    public bool Exists { get; }
}
