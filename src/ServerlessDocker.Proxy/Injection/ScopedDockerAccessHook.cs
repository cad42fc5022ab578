namespace ServerlessDocker.Proxy;

/// <summary>
/// Gives a function container its own Docker API: before the container is created, a new scope is created
/// (a top-level scope, or a child of <c>parent</c>), its socket is mounted at <c>/var/run/docker.sock</c> and
/// <c>DOCKER_HOST</c> is set. After the container is removed the scope is disposed: its socket is deleted and,
/// by policy (<see cref="ProxyPolicy.RemoveLeftovers"/>), whatever the function left behind is removed.
/// </summary>
public sealed class ScopedDockerAccessHook : IContainerRunHook
{
    /// <summary>Where the scope's socket appears inside the container.</summary>
    public const string SocketTarget = Injection.ScopedSocketInjection.SocketTarget;

    /// <summary>The label recording which scope a function container was given.</summary>
    public const string AccessScopeLabel = "io.sdock.docker-access.scope";

    private readonly ScopedDockerProxy _proxy;
    private readonly ProxyPolicy? _policy;
    private readonly ProxyScope? _parent;

    /// <summary>Creates the hook.</summary>
    /// <param name="proxy">The running proxy.</param>
    /// <param name="policy">The scope's policy (the proxy's default policy, or the parent's, when null).</param>
    /// <param name="parent">Make each function's scope a child of this scope (a top-level scope when null).</param>
    public ScopedDockerAccessHook(ScopedDockerProxy proxy, ProxyPolicy? policy = null, ProxyScope? parent = null)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        _proxy = proxy;
        _policy = policy;
        _parent = parent;
    }

    /// <inheritdoc />
    public async Task<IAsyncDisposable?> OnCreatingAsync(ContainerCreationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = "fn-" + new string([.. context.RunId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(16)]);
        var scope = _parent is null
            ? await _proxy.CreateScopeAsync(name, null, _policy, removeLeftovers: true, cancellationToken).ConfigureAwait(false)
            : await _parent.CreateChildAsync(name, socketPath: null, _policy, cancellationToken).ConfigureAwait(false);
        Injection.ScopedSocketInjection.Apply(context, scope, AccessScopeLabel);
        return scope;
    }
}
