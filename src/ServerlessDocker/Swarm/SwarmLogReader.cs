using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>
/// Reads a finished service's logs (gathered by the manager from whichever node ran the task) and splits them
/// back into stdout and stderr.
/// </summary>
internal static class SwarmLogReader
{
    public static async Task<MultiplexedStream> OpenAsync(DockerClient client, Uri endpoint, string serviceId, bool follow, CancellationToken cancellationToken) =>
        await EngineErrors.CallAsync(endpoint, "read the service's logs", () =>
            client.Swarm.GetServiceLogsAsync(serviceId, false, new ServiceLogsParameters
            {
                ShowStdout = true, ShowStderr = true, Follow = follow, Timestamps = false, Details = false,
            }, cancellationToken)).ConfigureAwait(false);
}
