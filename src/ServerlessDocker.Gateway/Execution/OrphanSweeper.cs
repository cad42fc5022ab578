using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>
/// Removes a call's container when the run ended before the client learned its id (a cancel during create): the
/// engine may still finish creating it, so the label is checked now and once more shortly after.
/// </summary>
internal sealed class OrphanSweeper(DockerFunctions docker, TimeProvider time, ILogger<OrphanSweeper> logger)
{
    private static readonly TimeSpan[] Checks = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public async Task SweepAsync(string callId)
    {
        try
        {
            foreach (var delay in Checks)
            {
                await Task.Delay(delay, time).ConfigureAwait(false);
                var leftovers = await docker.Engine.Containers.ListContainersAsync(new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool> { [$"{GatewayLabels.Call}={callId}"] = true },
                    },
                }).ConfigureAwait(false);
                foreach (var container in leftovers)
                {
                    logger.LogInformation("Removing container {Id} of cancelled call {CallId}", container.ID, callId);
                    await docker.Engine.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            // Best effort: `sdock prune` removes what is left once this process is gone.
            logger.LogWarning("Sweeping the containers of call {CallId} failed: {Error}", callId, ex.Message);
        }
    }
}
