using System.Diagnostics.Contracts;

namespace ServerlessDocker;

/// <summary>
/// An immutable description of a function run: an image, its arguments, options and pipes.
/// Every <c>WithX</c> method returns a new command, so a configured command can be shared and reused freely.
/// </summary>
/// <remarks>
/// Create one with <see cref="DockerFunctions.Command(string, IEnumerable{string}?)"/>; run it with
/// <see cref="ExecuteAsync(CancellationToken)"/>, <see cref="ContainerCommandExecution.ExecuteBufferedAsync"/>,
/// <see cref="ContainerCommandExecution.ListenAsync"/> or <see cref="StartDetachedAsync"/>.
/// </remarks>
public sealed class ContainerCommand
{
    private readonly CommandState _state;

    internal ContainerCommand(IFunctionBackend backend, string image, IReadOnlyList<string> arguments)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            throw new InvalidCommandException("image", "an image name is required, for example \"busybox\" or \"registry:5000/leftpad:1.0\".");
        }

        _state = new CommandState { Backend = backend, Image = image, Arguments = arguments };
    }

    private ContainerCommand(CommandState state) => _state = state;

    /// <summary>The container's name (on a Swarm, the service's), or null for a generated one.</summary>
    public string? Name => _state.Name;

    /// <summary>The backend that runs the command (the local engine unless <see cref="WithBackend"/> changed it).</summary>
    public IFunctionBackend Backend => _state.Backend;

    /// <summary>The image to run.</summary>
    public string Image => _state.Image;

    /// <summary>The arguments (the container's command, after the entrypoint).</summary>
    public IReadOnlyList<string> Arguments => _state.Arguments;

    /// <summary>An entrypoint that replaces the image's, or null to keep it.</summary>
    public IReadOnlyList<string>? Entrypoint => _state.Entrypoint;

    /// <summary>Environment variables set in the container.</summary>
    public IReadOnlyDictionary<string, string> Environment => _state.Environment;

    /// <summary>The working directory inside the container, or null for the image's.</summary>
    public string? WorkingDirectory => _state.WorkingDirectory;

    /// <summary>The user (name or uid[:gid]) to run as, or null for the image's.</summary>
    public string? User => _state.User;

    /// <summary>Extra labels on the container (the library adds its own <c>io.sdock.*</c> labels too).</summary>
    public IReadOnlyDictionary<string, string> Labels => _state.Labels;

    /// <summary>Memory limit in bytes, or null for none.</summary>
    public long? MemoryLimitBytes => _state.MemoryLimitBytes;

    /// <summary>CPU limit in CPUs (0.5 = half a core), or null for none.</summary>
    public double? Cpus => _state.Cpus;

    /// <summary>Maximum number of processes, or null for none.</summary>
    public long? PidsLimit => _state.PidsLimit;

    /// <summary>The network mode ("none", "bridge", "host", a network name), or null for the engine's default.</summary>
    public string? NetworkMode => _state.NetworkMode;

    /// <summary>Whether the root filesystem is read-only.</summary>
    public bool ReadOnlyRootFilesystem => _state.ReadOnlyRootFilesystem;

    /// <summary>Mounts into the container.</summary>
    public IReadOnlyList<ContainerMount> Mounts => _state.Mounts;

    /// <summary>Whether the container is removed after the run (default true; done by the client after reading the exit code).</summary>
    public bool RemoveAfterRun => _state.RemoveAfterRun;

    /// <summary>When the image is pulled.</summary>
    public PullPolicy PullPolicy => _state.PullPolicy;

    /// <summary>The longest a run may take, or null for no limit.</summary>
    public TimeSpan? Timeout => _state.Timeout;

    /// <summary>
    /// How long a stopping container gets between SIGTERM and SIGKILL (default 2 s) on a timeout or cancellation. A run
    /// whose output target failed (its reader went away) is killed at once, as SIGPIPE ends a process.
    /// </summary>
    public TimeSpan StopGracePeriod => _state.StopGracePeriod;

    /// <summary>Where stdin comes from.</summary>
    public PipeSource StandardInputPipe => _state.StandardInput;

    /// <summary>Where stdout goes.</summary>
    public PipeTarget StandardOutputPipe => _state.StandardOutput;

    /// <summary>Where stderr goes.</summary>
    public PipeTarget StandardErrorPipe => _state.StandardError;

    /// <summary>What counts as failure.</summary>
    public ResultValidation Validation => _state.Validation;

    /// <summary>Receives image pull progress, or null.</summary>
    public IProgress<PullProgress>? PullProgress => _state.PullProgress;

    /// <summary>Hooks that run around container creation and removal.</summary>
    public IReadOnlyList<IContainerRunHook> Hooks => _state.Hooks;

    /// <summary>The cap on each buffered output stream, in bytes (default 64 MiB); only buffered runs use it.</summary>
    public long OutputLimitBytes => _state.OutputLimitBytes;

    /// <summary>Sets the arguments.</summary>
    [Pure]
    public ContainerCommand WithArguments(params IEnumerable<string> arguments) =>
        With(_state with { Arguments = arguments.ToArray() });

    /// <summary>Replaces the image's entrypoint; null restores it.</summary>
    [Pure]
    public ContainerCommand WithEntrypoint(params IEnumerable<string>? entrypoint) =>
        With(_state with { Entrypoint = entrypoint?.ToArray() });

    /// <summary>Sets one environment variable.</summary>
    [Pure]
    public ContainerCommand WithEnvironment(string name, string value)
    {
        Check.EnvironmentName(name);
        return With(_state with { Environment = new Dictionary<string, string>(_state.Environment) { [name] = value } });
    }

    /// <summary>Sets several environment variables (added to those already set).</summary>
    [Pure]
    public ContainerCommand WithEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var env = new Dictionary<string, string>(_state.Environment);
        foreach (var (name, value) in variables)
        {
            Check.EnvironmentName(name);
            env[name] = value;
        }

        return With(_state with { Environment = env });
    }

    /// <summary>Sets the working directory inside the container.</summary>
    [Pure]
    public ContainerCommand WithWorkingDirectory(string? path) => With(_state with { WorkingDirectory = path });

    /// <summary>Sets the user to run as (name or uid[:gid]).</summary>
    [Pure]
    public ContainerCommand WithUser(string? user) => With(_state with { User = user });

    /// <summary>Adds a label.</summary>
    [Pure]
    public ContainerCommand WithLabel(string name, string value) =>
        With(_state with { Labels = new Dictionary<string, string>(_state.Labels) { [name] = value } });

    /// <summary>Adds several labels.</summary>
    [Pure]
    public ContainerCommand WithLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var merged = new Dictionary<string, string>(_state.Labels);
        foreach (var (k, v) in labels)
        {
            merged[k] = v;
        }

        return With(_state with { Labels = merged });
    }

    /// <summary>Limits memory, in bytes; null removes the limit.</summary>
    [Pure]
    public ContainerCommand WithMemoryLimit(long? bytes)
    {
        if (bytes is < 6 * 1024 * 1024)
        {
            throw new InvalidCommandException("memory", $"{bytes} bytes is below the engine's minimum of 6 MiB; use at least 6m.");
        }

        return With(_state with { MemoryLimitBytes = bytes });
    }

    /// <summary>Limits CPU, in CPUs (0.5 = half a core); null removes the limit.</summary>
    [Pure]
    public ContainerCommand WithCpus(double? cpus)
    {
        if (cpus is <= 0 || cpus is > 1024 || (cpus is { } c && double.IsNaN(c)))
        {
            throw new InvalidCommandException("cpus", $"{cpus} is not a CPU count; use a positive number such as 0.5 or 2.");
        }

        return With(_state with { Cpus = cpus });
    }

    /// <summary>Limits the number of processes; null removes the limit.</summary>
    [Pure]
    public ContainerCommand WithPidsLimit(long? pids)
    {
        if (pids is <= 0)
        {
            throw new InvalidCommandException("pids", $"{pids} is not a process limit; use a positive number such as 100.");
        }

        return With(_state with { PidsLimit = pids });
    }

    /// <summary>Sets the network mode ("none", "bridge", "host" or a network name).</summary>
    [Pure]
    public ContainerCommand WithNetworkMode(string? networkMode) => With(_state with { NetworkMode = networkMode });

    /// <summary>Makes the root filesystem read-only (or writable again).</summary>
    [Pure]
    public ContainerCommand WithReadOnlyRootFilesystem(bool readOnly = true) =>
        With(_state with { ReadOnlyRootFilesystem = readOnly });

    /// <summary>Adds a mount.</summary>
    [Pure]
    public ContainerCommand WithMount(ContainerMount mount)
    {
        Check.Mount(mount);
        return With(_state with { Mounts = [.. _state.Mounts, mount] });
    }

    /// <summary>Chooses whether the container is removed after the run (default true).</summary>
    [Pure]
    public ContainerCommand WithRemoveAfterRun(bool remove = true) => With(_state with { RemoveAfterRun = remove });

    /// <summary>Sets when the image is pulled.</summary>
    [Pure]
    public ContainerCommand WithPullPolicy(PullPolicy policy) => With(_state with { PullPolicy = policy });

    /// <summary>
    /// Names the container (on a Swarm, the service) instead of letting the library generate a name. A name is
    /// unique on its engine: a second run with the same name while the first exists fails with
    /// <see cref="ContainerNameConflictException"/>, which makes a name a claim (one run per name). Null restores the default.
    /// </summary>
    [Pure]
    public ContainerCommand WithName(string? name)
    {
        if (name is not null && !ContainerNames.IsValid(name))
        {
            throw new InvalidCommandException("name",
                $"'{name}' is not a container name; use letters, digits, '_', '.' and '-', starting with a letter or digit, at most {ContainerNames.MaxLength} characters.");
        }

        return With(_state with { Name = name });
    }

    /// <summary>
    /// Sets options of type <typeparamref name="TOptions"/> for the backend that runs the command (for example
    /// Swarm placement); a backend reads them with <see cref="GetBackendOptions{TOptions}"/>. Options of other types stay.
    /// </summary>
    [Pure]
    public ContainerCommand WithBackendOptions<TOptions>(TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        return With(_state with { BackendOptions = _state.BackendOptions.SetItem(typeof(TOptions), options) });
    }

    /// <summary>The options of type <typeparamref name="TOptions"/> set with <see cref="WithBackendOptions{TOptions}"/>, or null.</summary>
    public TOptions? GetBackendOptions<TOptions>()
        where TOptions : class =>
        _state.BackendOptions.TryGetValue(typeof(TOptions), out var options) ? (TOptions)options : null;

    /// <summary>Sets the longest a run may take; on expiry the container is stopped and removed and
    /// <see cref="ContainerTimeoutException"/> is thrown. Null means no limit.</summary>
    [Pure]
    public ContainerCommand WithTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new InvalidCommandException("timeout", $"{t} is not a timeout; use a positive duration such as 30s.");
        }

        return With(_state with { Timeout = timeout });
    }

    /// <summary>Sets how long a stopping container gets between SIGTERM and SIGKILL.</summary>
    [Pure]
    public ContainerCommand WithStopGracePeriod(TimeSpan gracePeriod) =>
        With(_state with { StopGracePeriod = gracePeriod < TimeSpan.Zero ? TimeSpan.Zero : gracePeriod });

    /// <summary>Sets where stdin comes from.</summary>
    [Pure]
    public ContainerCommand WithStandardInputPipe(PipeSource source) => With(_state with { StandardInput = source });

    /// <summary>Sets where stdout goes.</summary>
    [Pure]
    public ContainerCommand WithStandardOutputPipe(PipeTarget target) => With(_state with { StandardOutput = target });

    /// <summary>Sets where stderr goes.</summary>
    [Pure]
    public ContainerCommand WithStandardErrorPipe(PipeTarget target) => With(_state with { StandardError = target });

    /// <summary>Sets what counts as failure (<see cref="ResultValidation.None"/> returns non-zero exits instead of throwing).</summary>
    [Pure]
    public ContainerCommand WithValidation(ResultValidation validation) => With(_state with { Validation = validation });

    /// <summary>Runs the command on another backend (for example a Swarm).</summary>
    [Pure]
    public ContainerCommand WithBackend(IFunctionBackend backend) => With(_state with { Backend = backend });

    /// <summary>Receives image pull progress.</summary>
    [Pure]
    public ContainerCommand WithPullProgress(IProgress<PullProgress>? progress) => With(_state with { PullProgress = progress });

    /// <summary>Adds a hook that runs around container creation and removal.</summary>
    [Pure]
    public ContainerCommand WithHook(IContainerRunHook hook) => With(_state with { Hooks = [.. _state.Hooks, hook] });

    /// <summary>Sets the cap on each buffered output stream, in bytes.</summary>
    [Pure]
    public ContainerCommand WithOutputLimit(long bytes)
    {
        if (bytes <= 0)
        {
            throw new InvalidCommandException("output limit", $"{bytes} is not a size; use a positive number of bytes.");
        }

        return With(_state with { OutputLimitBytes = bytes });
    }

    /// <summary>Runs the command, streaming its pipes, and returns its exit code and timings.</summary>
    /// <remarks>The returned task exposes <see cref="ContainerTask{T}.ContainerId"/> before the run ends.</remarks>
    public ContainerTask<ContainerResult> ExecuteAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync(fullOutput: null, cancellationToken);

    internal ContainerTask<ContainerResult> ExecuteAsync(
        Func<(string StandardOutput, string StandardError)>? fullOutput, CancellationToken cancellationToken)
    {
        var id = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = RunAsync(id, fullOutput, cancellationToken);
        return new ContainerTask<ContainerResult>(task, id.Task);
    }

    private async Task<ContainerResult> RunAsync(
        TaskCompletionSource<string> id, Func<(string, string)>? fullOutput, CancellationToken cancellationToken)
    {
        try
        {
            return await ContainerRun.ExecuteAsync(this, c => id.TrySetResult(c), fullOutput, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            id.TrySetCanceled(CancellationToken.None);
        }
    }

    /// <summary>Starts the command in the background and returns at once with a handle to it.</summary>
    /// <remarks>The run's pipes are not used; read its output through <see cref="DetachedRun.ReadLogsAsync"/>.
    /// Dispose the handle to remove the container. A detached run takes no stdin and no timeout.</remarks>
    public Task<DetachedRun> StartDetachedAsync(CancellationToken cancellationToken = default) =>
        ContainerRun.StartDetachedAsync(this, cancellationToken);

    /// <summary>Pipes a source into the command's stdin.</summary>
    public static ContainerCommand operator |(PipeSource source, ContainerCommand command) =>
        command.WithStandardInputPipe(source);

    /// <summary>Pipes the command's stdout into a target.</summary>
    public static ContainerCommand operator |(ContainerCommand command, PipeTarget target) =>
        command.WithStandardOutputPipe(target);

    /// <summary>Pipes one container's stdout into another container's stdin.</summary>
    public static ContainerCommand operator |(ContainerCommand source, ContainerCommand target) =>
        target.WithStandardInputPipe(PipeSource.FromCommand(source));

    /// <inheritdoc />
    public override string ToString() =>
        Arguments.Count == 0 ? Image : $"{Image} {string.Join(' ', Arguments)}";

    private static ContainerCommand With(CommandState state) => new(state);

    private sealed record CommandState
    {
        public required IFunctionBackend Backend { get; init; }
        public required string Image { get; init; }
        public required IReadOnlyList<string> Arguments { get; init; }
        public IReadOnlyList<string>? Entrypoint { get; init; }
        public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
        public string? WorkingDirectory { get; init; }
        public string? User { get; init; }
        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
        public long? MemoryLimitBytes { get; init; }
        public double? Cpus { get; init; }
        public long? PidsLimit { get; init; }
        public string? NetworkMode { get; init; }
        public bool ReadOnlyRootFilesystem { get; init; }
        public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];
        public bool RemoveAfterRun { get; init; } = true;
        public PullPolicy PullPolicy { get; init; } = PullPolicy.Missing;
        public TimeSpan? Timeout { get; init; }
        public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(2);
        public PipeSource StandardInput { get; init; } = PipeSource.Null;
        public PipeTarget StandardOutput { get; init; } = PipeTarget.Null;
        public PipeTarget StandardError { get; init; } = PipeTarget.Null;
        public ResultValidation Validation { get; init; } = ResultValidation.ZeroExitCode;
        public IProgress<PullProgress>? PullProgress { get; init; }
        public IReadOnlyList<IContainerRunHook> Hooks { get; init; } = [];
        public long OutputLimitBytes { get; init; } = 64L * 1024 * 1024;
        public string? Name { get; init; }
        public System.Collections.Immutable.ImmutableDictionary<Type, object> BackendOptions { get; init; } =
            System.Collections.Immutable.ImmutableDictionary<Type, object>.Empty;
    }

    private static class Check
    {
        public static void EnvironmentName(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('=') || name.Contains('\0'))
            {
                throw new InvalidCommandException("environment", $"'{name}' is not a variable name; names are non-empty and contain no '='.");
            }
        }

        public static void Mount(ContainerMount mount)
        {
            if (mount.Type is not ("bind" or "volume" or "tmpfs"))
            {
                throw new InvalidCommandException("mount", $"type '{mount.Type}' is unknown; use bind, volume or tmpfs.");
            }

            if (!mount.Target.StartsWith('/'))
            {
                throw new InvalidCommandException("mount", $"target '{mount.Target}' must be an absolute path inside the container, such as /data.");
            }

            if (mount.Type != "tmpfs" && string.IsNullOrEmpty(mount.Source))
            {
                throw new InvalidCommandException("mount", $"a {mount.Type} mount needs a source ({(mount.Type == "bind" ? "a host path" : "a volume name")}).");
            }
        }
    }
}
