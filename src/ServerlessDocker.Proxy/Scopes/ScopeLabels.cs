namespace ServerlessDocker.Proxy;

/// <summary>
/// The labels the proxy stamps on what a scope creates. A client can never set any <c>io.sdock.proxy.*</c> label.
/// </summary>
/// <remarks>
/// Visibility uses one label per depth: an object created by scope <c>a/b</c> carries <c>io.sdock.proxy.scope.0=a</c>,
/// <c>io.sdock.proxy.scope.1=a/b</c> and an explicit empty value for every deeper level. A scope at depth d
/// filters on <c>io.sdock.proxy.scope.{d}={its path}</c>, so it sees its own objects and its descendants', and
/// siblings never match. Writing every level (including the empty ones) overrides labels inherited from an image.
/// </remarks>
public static class ScopeLabels
{
    /// <summary>The owning scope's full path (for example <c>tenant-a/fn-3f2a</c>).</summary>
    public const string Scope = "io.sdock.proxy.scope";

    /// <summary>Prefix of every label the proxy owns; clients may not set labels with it.</summary>
    public const string Prefix = "io.sdock.proxy.";

    /// <summary>Marks a container that holds a nested child scope (value: the child scope's path).</summary>
    public const string ChildScope = "io.sdock.proxy.child-scope";

    /// <summary>Memory limit recorded at create, for subtree quotas.</summary>
    public const string Memory = "io.sdock.proxy.memory";

    /// <summary>PIDs limit recorded at create, for subtree quotas.</summary>
    public const string Pids = "io.sdock.proxy.pids";

    /// <summary>CPU limit (nano CPUs) recorded at create, for subtree quotas.</summary>
    public const string NanoCpus = "io.sdock.proxy.nanocpus";

    /// <summary>The label a client sets on create to ask for a nested scope for the new container.</summary>
    public const string DockerAccessRequest = "io.sdock.docker-access";

    /// <summary>Deepest depth label (scopes are 0..MaxDepth deep).</summary>
    public const int MaxDepth = 7;

    /// <summary>The per-depth label key.</summary>
    public static string AtDepth(int depth) => $"io.sdock.proxy.scope.{depth}";
}
