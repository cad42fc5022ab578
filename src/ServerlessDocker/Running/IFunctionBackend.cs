namespace ServerlessDocker;

/// <summary>
/// Something that runs <see cref="ContainerCommand"/>s: the local engine, a Swarm, a pool of warm containers.
/// </summary>
/// <remarks>
/// A backend is a runtime only: it creates a run, streams it, waits for it, stops and removes it. The policy of a
/// run — its id, hooks and their cleanups, timeout versus cancellation, result validation, output tails for
/// exceptions, and removal whatever happens — is the same for every backend and lives in the core library, which
/// calls the backend through this interface. A new backend implements <see cref="Validate"/> and
/// <see cref="CreateRunAsync"/> and returns an <see cref="IFunctionRun"/>.
/// </remarks>
public interface IFunctionBackend
{
    /// <summary>A short name for logs and errors ("local", "swarm").</summary>
    string Name { get; }

    /// <summary>The clock its runs are timed by (timeouts, start and exit times).</summary>
    TimeProvider Time { get; }

    /// <summary>
    /// Refuses, before anything is created, a command this backend cannot run as asked (for example stdin on a
    /// backend without attach). Throws <see cref="InvalidCommandException"/> naming the option and what to do.
    /// </summary>
    /// <param name="command">The command about to run.</param>
    /// <param name="detached">True for a background run (<see cref="ContainerCommand.StartDetachedAsync"/>).</param>
    void Validate(ContainerCommand command, bool detached);

    /// <summary>
    /// Creates the run's container (or task), not yet started. The run's hooks have already run:
    /// <see cref="FunctionRunContext.Creation"/> holds what they added. Report the id with
    /// <see cref="FunctionRunContext.ReportId"/> as soon as it exists.
    /// </summary>
    /// <param name="context">The run: its command, id, hook additions, input and output.</param>
    /// <param name="cancellationToken">Cancelled when the run is cancelled or times out.</param>
    Task<IFunctionRun> CreateRunAsync(FunctionRunContext context, CancellationToken cancellationToken);
}

/// <summary>
/// One run on a backend, created by <see cref="IFunctionBackend.CreateRunAsync"/>. The core library drives it:
/// either <see cref="RunToExitAsync"/> or <see cref="StartDetachedAsync"/>, then <see cref="StopAsync"/> when the
/// run is abandoned, and always <see cref="IAsyncDisposable.DisposeAsync"/> unless a detached handle took it over.
/// </summary>
public interface IFunctionRun : IAsyncDisposable
{
    /// <summary>The backend's id for what it created (container id, service id).</summary>
    string Id { get; }

    /// <summary>
    /// Starts the run, feeds its input (<see cref="FunctionRunContext.FeedStandardInputAsync"/>), writes its output
    /// (<see cref="FunctionRunContext.WriteStandardOutputAsync"/>, <see cref="FunctionRunContext.WriteStandardErrorAsync"/>)
    /// and returns once it has exited. Does not validate the exit code: the core does.
    /// </summary>
    Task<FunctionExit> RunToExitAsync(CancellationToken cancellationToken);

    /// <summary>Starts the run in the background and returns a handle that from now on owns its removal.</summary>
    Task<DetachedRun> StartDetachedAsync(CancellationToken cancellationToken);

    /// <summary>Stops a run that is being abandoned (timeout, cancellation, a failed pipe). Never throws.</summary>
    /// <param name="gracePeriod">How long the function may take to exit after SIGTERM before it is killed.</param>
    Task StopAsync(TimeSpan gracePeriod);
}

/// <summary>How a run ended, as a backend saw it.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Node">The host that ran it, when the backend spreads runs over several (a Swarm node's hostname).</param>
public readonly record struct FunctionExit(long ExitCode, string? Node = null)
{
    /// <summary>True when the kernel's out-of-memory killer ended the run: it reached its memory limit.</summary>
    public bool OomKilled { get; init; }
}
