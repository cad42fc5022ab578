namespace ServerlessDocker.Proxy;

/// <summary>Per-container resource rules applied to every container a scope creates.</summary>
public sealed record ResourceLimits
{
    /// <summary>The built-in limits: 512 MiB memory and 256 PIDs by default, at most 2 GiB, 4096 PIDs and 2 CPUs.</summary>
    public static ResourceLimits Default { get; } = new();

    /// <summary>When true, a create without a memory or PIDs limit and without a default for it is refused.</summary>
    public bool Required { get; init; } = true;

    /// <summary>Memory limit (bytes) applied when a create sets none; 0 for no default.</summary>
    public long DefaultMemoryBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>PIDs limit applied when a create sets none; 0 for no default.</summary>
    public long DefaultPidsLimit { get; init; } = 256;

    /// <summary>CPU limit (in CPUs) applied when a create sets none; 0 for no default.</summary>
    public double DefaultCpus { get; init; }

    /// <summary>Largest memory limit (bytes) one container may ask for; 0 for no cap.</summary>
    public long MaxMemoryBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest PIDs limit one container may ask for; 0 for no cap.</summary>
    public long MaxPidsLimit { get; init; } = 4096;

    /// <summary>Largest CPU limit one container may ask for; 0 for no cap.</summary>
    public double MaxCpus { get; init; } = 2;
}
