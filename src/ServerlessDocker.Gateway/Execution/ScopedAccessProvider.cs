using ServerlessDocker.Proxy;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>
/// The scoped Docker proxy behind <c>dockerAccess: scoped</c> functions: started on first use, in this process, in
/// front of the gateway's own engine. Each call gets a scope of its own, removed with the call's container.
/// </summary>
internal sealed class ScopedAccessProvider(DockerFunctions docker, TimeProvider time) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ProxyPolicy> _policies = [];
    private ScopedDockerProxy? _proxy;

    /// <summary>A run hook that gives the container its scoped socket. The proxy starts (and the policy file is read)
    /// inside the run, so a failure there is reported like any other failed run.</summary>
    public IContainerRunHook HookFor(string? policyPath) => new LazyHook(this, policyPath);

    private async Task<ScopedDockerAccessHook> CreateHookAsync(string? policyPath, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _proxy ??= await ScopedDockerProxy.StartAsync(
                new ProxyOptions { Upstream = docker.Endpoint, TimeProvider = time }, cancellationToken).ConfigureAwait(false);
            ProxyPolicy? policy = null;
            if (policyPath is not null && !_policies.TryGetValue(policyPath, out policy))
            {
                policy = await ProxyPolicyLoader.LoadAsync(policyPath, cancellationToken).ConfigureAwait(false);
                _policies[policyPath] = policy;
            }

            return new ScopedDockerAccessHook(_proxy, policy);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    private sealed class LazyHook(ScopedAccessProvider provider, string? policyPath) : IContainerRunHook
    {
        public async Task<IAsyncDisposable?> OnCreatingAsync(ContainerCreationContext context, CancellationToken cancellationToken)
        {
            var hook = await provider.CreateHookAsync(policyPath, cancellationToken).ConfigureAwait(false);
            return await hook.OnCreatingAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }
}
