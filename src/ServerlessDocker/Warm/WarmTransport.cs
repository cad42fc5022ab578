namespace ServerlessDocker.Warm;

/// <summary>How the host talks to the agents of a <see cref="WarmPool"/>.</summary>
public enum WarmTransport
{
    /// <summary>The unix socket on a local engine (unix://), the attach stream otherwise.</summary>
    Auto,

    /// <summary>
    /// A unix socket in a host directory bound into the container, a connection per call; the agent is bound in
    /// read-only. Fastest; needs a local engine.
    /// </summary>
    UnixSocket,

    /// <summary>
    /// The container's attach stream (its stdin and stdout), one call after another; the agent is copied into the
    /// container before it starts (into a volume, so a read-only root filesystem works). Any engine: tcp://, TLS.
    /// </summary>
    Attach,
}
