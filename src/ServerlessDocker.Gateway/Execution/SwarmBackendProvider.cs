using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Swarm;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>
/// The Swarm backend for <c>backend: swarm</c> functions, created on first use: on the engine named by the gateway's
/// <c>swarmHost</c>, or on the gateway's own engine when none is set. Recreated when <c>swarmHost</c> changes.
/// </summary>
internal sealed class SwarmBackendProvider(DockerFunctions local, IGatewayConfigSource config, TimeProvider time) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<DockerFunctions> _owned = [];
    private (string? Host, SwarmBackend Backend)? _current;

    public SwarmBackend Get()
    {
        var host = config.Current.Gateway.SwarmHost;
        lock (_lock)
        {
            if (_current is { } c && c.Host == host)
            {
                return c.Backend;
            }

            var docker = local;
            if (host is not null)
            {
                // The TLS variables of the gateway's environment apply to the manager too.
                docker = DockerFunctions.Connect(DockerEndpoint.FromEnvironment(host), time);
                _owned.Add(docker);
            }

            var backend = docker.Swarm();
            _current = (host, backend);
            return backend;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var docker in _owned)
        {
            await docker.DisposeAsync().ConfigureAwait(false);
        }
    }
}
