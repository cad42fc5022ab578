using Docker.DotNet;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>
/// Everything one Swarm run created: the service, per-run secrets and configs. Disposal removes
/// them all, whatever state the run ended in; it never throws and never waits on the caller's token.
/// </summary>
internal sealed class SwarmRunResources(DockerClient client, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);
    private readonly List<string> _secrets = [];
    private readonly List<string> _configs = [];
    private int _disposed;

    public string? ServiceId { get; set; }

    public void AddSecret(string id) => _secrets.Add(id);

    public void AddConfig(string id) => _configs.Add(id);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var cts = new CancellationTokenSource(CleanupTimeout, time);
        if (ServiceId is { } serviceId)
        {
            await QuietlyAsync(() => client.Swarm.RemoveServiceAsync(serviceId, cts.Token)).ConfigureAwait(false);
        }

        // A secret or config can only go once no service refers to it: the service is gone from the store now.
        foreach (var id in _secrets)
        {
            await QuietlyAsync(() => client.Secrets.DeleteAsync(id, cts.Token)).ConfigureAwait(false);
        }

        foreach (var id in _configs)
        {
            await QuietlyAsync(() => client.Configs.RemoveConfigAsync(id, cts.Token)).ConfigureAwait(false);
        }
    }

    private static async Task QuietlyAsync(Func<Task> remove)
    {
        try
        {
            await remove().ConfigureAwait(false);
        }
        catch (Exception ex) when (EngineErrors.IsNotFound(ex) || ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // Already gone, or the manager is unreachable: prune (label io.sdock.swarm=true) removes what is left.
        }
    }
}
