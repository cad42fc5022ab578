namespace ServerlessDocker.Proxy;

/// <summary>How a <see cref="ScopedDockerProxy"/> runs.</summary>
public sealed record ProxyOptions
{
    /// <summary>The real engine, <c>unix:///var/run/docker.sock</c> or <c>tcp://host:port</c>. This field is required.</summary>
    public required Uri Upstream { get; init; }

    /// <summary>The policy of scopes created without one. Defaults to <see cref="ProxyPolicy.Default"/>.</summary>
    public ProxyPolicy Policy { get; init; } = ProxyPolicy.Default;

    /// <summary>Where audit lines (JSON) are written; null for none.</summary>
    public TextWriter? AuditLog { get; init; }

    /// <summary>Directory for sockets the proxy names itself (child scopes). Created with mode 0700 if missing.</summary>
    public string SocketDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "sdock-proxy");

    /// <summary>Clock for audit timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
