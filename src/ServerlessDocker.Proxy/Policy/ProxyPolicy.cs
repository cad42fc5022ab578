namespace ServerlessDocker.Proxy;

/// <summary>
/// What a scope may do beyond owning its objects. Default-deny: everything dangerous is refused unless a
/// field here allows it. Load one from YAML with <see cref="ProxyPolicyLoader"/>; see docs/proxy.md.
/// </summary>
public sealed record ProxyPolicy
{
    /// <summary>The built-in safe defaults (used when no policy file is given).</summary>
    public static ProxyPolicy Default { get; } = new();

    /// <summary>Enforce (default) or warn.</summary>
    public PolicyMode Mode { get; init; } = PolicyMode.Enforce;

    /// <summary>
    /// Image patterns a scope may run or pull, matched against the familiar reference without tag or digest
    /// (<c>busybox</c>, <c>sdock-test/app</c>, <c>registry:5000/team/*</c>): <c>*</c> matches within one path
    /// component, <c>**</c> matches anything. Images the scope built or committed are always allowed.
    /// </summary>
    public IReadOnlyList<string> Images { get; init; } = ["**"];

    /// <summary>Whether allowlisted images may be pulled (<c>POST /images/create?fromImage=</c>).</summary>
    public bool AllowPull { get; init; }

    /// <summary>Capabilities <c>CapAdd</c> may name (without the <c>CAP_</c> prefix). Empty by default.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Host directories that may be bind-mounted (the path or anything below it). Empty by default.</summary>
    public IReadOnlyList<string> BindMounts { get; init; } = [];

    /// <summary>Whether host ports may be published (<c>PortBindings</c>, <c>PublishAllPorts</c>).</summary>
    public bool AllowHostPorts { get; init; }

    /// <summary>Built-in network modes allowed besides the scope's own networks. <c>host</c> is never allowed.</summary>
    public IReadOnlyList<string> NetworkModes { get; init; } = ["none", "default", "bridge"];

    /// <summary>Whether the scope may build images (classic builder; BuildKit sessions are refused).</summary>
    public bool AllowBuild { get; init; } = true;

    /// <summary>Whether the scope may exec into its containers (never privileged).</summary>
    public bool AllowExec { get; init; } = true;

    /// <summary>Whether a container created through the scope may ask for its own child scope (label <c>io.sdock.docker-access=scoped</c>).</summary>
    public bool AllowNesting { get; init; } = true;

    /// <summary>Deepest scope allowed (0 = top-level tenant). At most 7.</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>When a scope is removed, remove what its subtree left behind (containers, volumes, networks).</summary>
    public bool RemoveLeftovers { get; init; } = true;

    /// <summary>
    /// How long a removed scope's leftover containers that are still running may go on running before they are removed
    /// (with <see cref="RemoveLeftovers"/>): detached children such as a task a function started outlive the call
    /// that started them, then go as soon as they exit. Zero (the default) removes them at once.
    /// </summary>
    public TimeSpan LeftoverGrace { get; init; } = TimeSpan.Zero;

    /// <summary>The longest <see cref="LeftoverGrace"/> a policy may give (one hour).</summary>
    public static readonly TimeSpan MaxLeftoverGrace = TimeSpan.FromHours(1);

    /// <summary>Largest JSON request body accepted; larger bodies are answered 413.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// How long a request's head and JSON body may take to arrive, from its first byte (slowloris). A late request is
    /// answered 408 and its connection closed. Streamed bodies (build contexts, archives) and answers are not timed.
    /// </summary>
    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection may wait for its next request (keep-alive) before the proxy closes it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Open connections a scope's socket serves at once (hijacked and streaming ones count); more are answered 503.</summary>
    public int MaxConnections { get; init; } = 128;

    /// <summary>Per-container resource rules.</summary>
    public ResourceLimits Limits { get; init; } = ResourceLimits.Default;

    /// <summary>Subtree quotas.</summary>
    public ScopeQuota Quota { get; init; } = ScopeQuota.Default;
}
