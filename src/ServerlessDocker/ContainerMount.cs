namespace ServerlessDocker;

/// <summary>A mount into a function container: a bind mount, a named volume or a tmpfs.</summary>
/// <param name="Type">"bind", "volume" or "tmpfs".</param>
/// <param name="Source">Host path (bind) or volume name (volume); empty for tmpfs.</param>
/// <param name="Target">Absolute path inside the container.</param>
/// <param name="ReadOnly">Mount read-only.</param>
public sealed record ContainerMount(string Type, string Source, string Target, bool ReadOnly = false)
{
    /// <summary>A host directory or file bound into the container.</summary>
    public static ContainerMount Bind(string hostPath, string containerPath, bool readOnly = false) =>
        new("bind", hostPath, containerPath, readOnly);

    /// <summary>A named volume mounted into the container.</summary>
    public static ContainerMount Volume(string volumeName, string containerPath, bool readOnly = false) =>
        new("volume", volumeName, containerPath, readOnly);

    /// <summary>An in-memory tmpfs, handy with a read-only root filesystem.</summary>
    public static ContainerMount Tmpfs(string containerPath) => new("tmpfs", "", containerPath);
}
