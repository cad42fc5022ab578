namespace ServerlessDocker.Proxy;

/// <summary>How a <see cref="ScopedDockerProxy"/> runs.</summary>
public sealed record ProxyOptions
{
    /// <summary>The real engine: a unix socket or a plain TCP endpoint (TLS is refused at start). This field is required;
    /// <see cref="DockerEndpoint.FromEnvironment()"/> reads it the way the docker CLI does.</summary>
    public required DockerEndpoint Upstream { get; init; }

    /// <summary>The policy of scopes created without one. Defaults to <see cref="ProxyPolicy.Default"/>.</summary>
    public ProxyPolicy Policy { get; init; } = ProxyPolicy.Default;

    /// <summary>Where audit lines (JSON) are written; null for none.</summary>
    public TextWriter? AuditLog { get; init; }

    /// <summary>Directory for sockets the proxy names itself (child scopes), one per user. Created with mode 0700 if missing.</summary>
    public string SocketDirectory { get; init; } = Path.Combine(Path.GetTempPath(), $"sdock-proxy-{Environment.UserName}");

    /// <summary>Clock for audit timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
