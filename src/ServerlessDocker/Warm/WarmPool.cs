namespace ServerlessDocker.Warm;

/// <summary>
/// A pool of warm containers of one image: each runs the warm agent as its entrypoint (the image is unchanged), and
/// each call is a fresh process of the image's own command in one of them — in milliseconds instead of a container
/// start. A backend of the one run lifecycle: results, events, exceptions, timeouts and output tails are a cold run's.
/// </summary>
/// <remarks>
/// <para>Create one with <see cref="WarmDockerFunctionsExtensions.WarmPool(DockerFunctions, string, WarmPoolOptions?)"/>
/// and run commands on it with <see cref="ContainerCommand.WithBackend"/> (or <see cref="WarmCommandExtensions.OnWarmPool"/>).
/// Dispose it to remove its containers.</para>
/// <para>One call at a time per container; the container's limits (memory, CPUs, PIDs), user, network, mounts and
/// root filesystem are the pool's (its template command's), so a command must agree with them. Its filesystem persists
/// between the calls of one container (until it is recycled after <see cref="WarmPoolOptions.MaxCalls"/>).</para>
/// </remarks>
public sealed class WarmPool : IFunctionBackend, IAsyncDisposable
{
    /// <summary>The label that names the pool a warm container belongs to.</summary>
    public const string PoolLabel = FunctionLabels.Prefix + "warm.pool";

    private readonly ContainerCommand _template;
    private readonly IWarmContainerFactory _factory;
    private readonly WarmSlots _slots;

    internal WarmPool(ContainerCommand template, WarmPoolOptions options, IWarmContainerFactory factory, TimeProvider time)
    {
        _template = template;
        _factory = factory;
        Options = options;
        Time = time;
        _slots = new WarmSlots(factory, options, time);
    }

    /// <inheritdoc />
    public string Name => "warm";

    /// <inheritdoc />
    public TimeProvider Time { get; }

    /// <summary>The image the pool's containers run.</summary>
    public string Image => _template.Image;

    /// <summary>The pool's options.</summary>
    public WarmPoolOptions Options { get; }

    /// <summary>Containers that exist or are starting.</summary>
    public int ContainerCount => _slots.Count;

    /// <summary>Containers waiting for a call.</summary>
    public int IdleCount => _slots.IdleCount;

    /// <summary>Starts <see cref="WarmPoolOptions.Min"/> containers now instead of at the first call.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => _slots.WarmUpAsync(cancellationToken);

    /// <inheritdoc />
    public void Validate(ContainerCommand command, bool detached)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (detached)
        {
            throw new InvalidCommandException("detached", "a warm pool runs calls attached; start a detached run on the local backend (DockerFunctions.LocalBackend).");
        }

        if (command.Image != _template.Image)
        {
            throw new InvalidCommandException("image", $"this warm pool runs {_template.Image}, not {command.Image}; create a pool for {command.Image}.");
        }

        if (command.Name is not null)
        {
            throw new InvalidCommandException("name", "a warm call runs in a pooled container and cannot name it; drop WithName or run cold.");
        }

        // What the container is made with is the pool's: a call cannot change it.
        Same("user", command.User, _template.User);
        Same("memory limit", command.MemoryLimitBytes, _template.MemoryLimitBytes);
        Same("cpus", command.Cpus, _template.Cpus);
        Same("pids limit", command.PidsLimit, _template.PidsLimit);
        Same("network", command.NetworkMode, _template.NetworkMode);
        Same("read-only root filesystem", command.ReadOnlyRootFilesystem, _template.ReadOnlyRootFilesystem);
        if (!command.Mounts.SequenceEqual(_template.Mounts))
        {
            throw new InvalidCommandException("mounts", "a warm call runs in a container created ahead with the pool's mounts; give the pool's template command the same mounts.");
        }
    }

    /// <inheritdoc />
    public async Task<IFunctionRun> CreateRunAsync(FunctionRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Creation.Mounts.Count > 0)
        {
            throw new InvalidCommandException("mounts", "a hook added a mount, but a warm container is created before the call; run this command cold.");
        }

        var slot = await _slots.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var image = await _factory.GetImageConfigAsync(cancellationToken).ConfigureAwait(false);
            var command = context.Command;
            var argv = WarmArguments.Combine(image.Entrypoint, image.Cmd, command.Entrypoint, command.Arguments);
            if (argv.Count == 0)
            {
                throw new InvalidCommandException("arguments", $"{command.Image} has no ENTRYPOINT or CMD, so the call has nothing to run; give it arguments.");
            }

            var environment = new Dictionary<string, string>(command.Environment);
            foreach (var (k, v) in context.Creation.Environment)
            {
                environment[k] = v;
            }

            var env = WarmArguments.MergeEnvironment([.. environment.Select(kv => $"{kv.Key}={kv.Value}")], image.Environment);
            var start = new WarmStart(argv, env, command.WorkingDirectory ?? "");
            context.ReportId(slot.Container.Id);
            return new WarmCall(this, slot, context, start);
        }
        catch
        {
            _slots.Release(slot, reusable: true, countCall: false);
            throw;
        }
    }

    /// <summary>Removes every container of the pool; calls still waiting for one fail.</summary>
    public ValueTask DisposeAsync() => _slots.DisposeAsync();

    internal void Release(WarmSlots.Slot slot, bool reusable) => _slots.Release(slot, reusable);

    private static void Same<T>(string setting, T call, T pool)
    {
        if (!EqualityComparer<T>.Default.Equals(call, pool))
        {
            throw new InvalidCommandException(setting,
                $"a warm call runs in a container created ahead with the pool's {setting} ({pool?.ToString() ?? "unset"}), not {call?.ToString() ?? "unset"}; " +
                "set it on the pool's template command (DockerFunctions.WarmPool(command, options)).");
        }
    }
}
