namespace ServerlessDocker.Proxy;

/// <summary>Quotas of one scope, counted over its whole subtree (its own containers and its descendants').</summary>
public sealed record ScopeQuota
{
    /// <summary>The built-in quota: at most 32 containers and 8 networks, no totals.</summary>
    public static ScopeQuota Default { get; } = new();

    /// <summary>Most containers (any state) in the subtree; 0 for no cap.</summary>
    public int MaxContainers { get; init; } = 32;

    /// <summary>
    /// Most networks in the subtree; 0 for no cap. Every network takes a subnet from the engine's shared address
    /// pools (about 30 by default), so without a cap one tenant can exhaust them for all.
    /// </summary>
    public int MaxNetworks { get; init; } = 8;

    /// <summary>Largest sum of memory limits (bytes) in the subtree; 0 for no cap.</summary>
    public long MaxTotalMemoryBytes { get; init; }

    /// <summary>Largest sum of PIDs limits in the subtree; 0 for no cap.</summary>
    public long MaxTotalPids { get; init; }

    /// <summary>Largest sum of CPU limits in the subtree; 0 for no cap.</summary>
    public double MaxTotalCpus { get; init; }
}
