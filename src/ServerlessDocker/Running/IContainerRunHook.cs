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
    /// <summary>Creates the context of one run; a backend that creates containers ahead of a run (a warm pool) makes its own.</summary>
    /// <param name="command">The command being run.</param>
    /// <param name="runId">The run's unique id.</param>
    public ContainerCreationContext(ContainerCommand command, string runId)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(runId);
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

    /// <summary>
    /// Runs the command's hooks in order against this context and returns their cleanups. When a hook fails, the
    /// cleanups of the hooks before it are disposed before the failure is rethrown.
    /// </summary>
    public async Task<IReadOnlyList<IAsyncDisposable>> RunHooksAsync(CancellationToken cancellationToken)
    {
        var cleanups = new List<IAsyncDisposable>();
        try
        {
            foreach (var hook in Command.Hooks)
            {
                if (await hook.OnCreatingAsync(this, cancellationToken).ConfigureAwait(false) is { } cleanup)
                {
                    cleanups.Add(cleanup);
                }
            }

            return cleanups;
        }
        catch
        {
            await Cleanups.DisposeQuietlyAsync(cleanups).ConfigureAwait(false);
            throw;
        }
    }
}
