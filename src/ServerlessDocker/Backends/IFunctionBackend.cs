namespace ServerlessDocker;

/// <summary>
/// Something that runs <see cref="ContainerCommand"/>s: the local engine, or a Swarm.
/// </summary>
public interface IFunctionBackend
{
    /// <summary>A short name for logs and errors ("local", "swarm").</summary>
    string Name { get; }

    /// <summary>
    /// Runs the command to completion: feeds its stdin pipe, drains its stdout and stderr pipes, applies its
    /// timeout and validation, and removes what it created whatever happens.
    /// </summary>
    /// <param name="command">The command.</param>
    /// <param name="onCreated">Called with the container (or task) id as soon as it exists.</param>
    /// <param name="cancellationToken">Stops and removes the run; the method then throws
    /// <see cref="OperationCanceledException"/> carrying this token.</param>
    Task<ContainerResult> ExecuteAsync(ContainerCommand command, Action<string>? onCreated, CancellationToken cancellationToken);

    /// <summary>Starts the command and returns at once with a handle to the running function.</summary>
    Task<DetachedRun> StartDetachedAsync(ContainerCommand command, CancellationToken cancellationToken);
}
