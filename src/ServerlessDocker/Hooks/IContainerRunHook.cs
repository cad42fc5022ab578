namespace ServerlessDocker;

/// <summary>
/// Runs before a function container is created, and may add to it; what it returns is disposed after the
/// container is removed (on success, failure, timeout and cancellation). Socket injection is such a hook.
/// </summary>
public interface IContainerRunHook
{
    /// <summary>Prepares the container (adds mounts, environment, labels) and returns what to clean up afterwards.</summary>
    Task<IAsyncDisposable?> OnCreatingAsync(ContainerCreationContext context, CancellationToken cancellationToken);
}

/// <summary>What a <see cref="IContainerRunHook"/> can see and change about a container about to be created.</summary>
public sealed class ContainerCreationContext
{
    internal ContainerCreationContext(ContainerCommand command, string runId)
    {
        Command = command;
        RunId = runId;
    }

    /// <summary>The command being run.</summary>
    public ContainerCommand Command { get; }

    /// <summary>The run's unique id (also its <c>io.sdock.run</c> label).</summary>
    public string RunId { get; }

    /// <summary>Extra mounts to add.</summary>
    public IList<ContainerMount> Mounts { get; } = new List<ContainerMount>();

    /// <summary>Extra environment variables to set.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    /// <summary>Extra labels to add.</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>();
}
