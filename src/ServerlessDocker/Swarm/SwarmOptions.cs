namespace ServerlessDocker.Swarm;

/// <summary>
/// How the Swarm backend places and equips its services. Immutable: use <c>with</c> or the
/// <see cref="SwarmCommandExtensions"/> methods on a command.
/// </summary>
public sealed record SwarmOptions
{
    /// <summary>The defaults: no constraints, a 60 s start timeout.</summary>
    public static SwarmOptions Default { get; } = new();

    /// <summary>
    /// How long a task may stay before "running" (pending for a node, pulling, preparing) before the run fails with
    /// <see cref="SwarmTaskPendingException"/>. Unsatisfiable constraints and missing resources keep a task pending forever.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Placement constraints, in Swarm syntax (for example <c>node.role==worker</c>, <c>node.labels.gpu==true</c>).</summary>
    public IReadOnlyList<string> Constraints { get; init; } = [];

    /// <summary>Spread preferences: node label names to spread tasks over (for example <c>node.labels.zone</c>).</summary>
    public IReadOnlyList<string> SpreadOver { get; init; } = [];

    /// <summary>CPUs a node must have free to take a task (0.5 = half a core), or null for none.</summary>
    public double? CpuReservation { get; init; }

    /// <summary>Memory a node must have free to take a task, in bytes, or null for none.</summary>
    public long? MemoryReservationBytes { get; init; }

    /// <summary>Networks (attachable overlay networks, by name or id) the task joins.</summary>
    public IReadOnlyList<string> Networks { get; init; } = [];

    /// <summary>Swarm secrets mounted into the task (under <c>/run/secrets/</c>).</summary>
    public IReadOnlyList<SwarmFile> Secrets { get; init; } = [];

    /// <summary>Swarm configs mounted into the task (at an absolute path, or under <c>/</c>).</summary>
    public IReadOnlyList<SwarmFile> Configs { get; init; } = [];

    /// <summary>Credentials the manager passes to the nodes so they can pull a private image, or null.</summary>
    public SwarmRegistryAuth? RegistryAuth { get; init; }

    /// <summary>Extra labels on the service (the library adds its own <c>io.sdock.*</c> labels too).</summary>
    public IReadOnlyDictionary<string, string> ServiceLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>The longest gap between two looks at a task's state (the backend polls faster at first).</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest the backend waits for a finished task's logs.</summary>
    public TimeSpan LogReadTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
