using System.CommandLine;
using ServerlessDocker.Swarm;

namespace ServerlessDocker.Cli.Commands;

/// <summary>Finds a detached run by id for `logs`, `wait` and `kill`: a container, or with --swarm a Swarm service.</summary>
internal static class RunLookup
{
    public static Option<bool> SwarmOption() =>
        new("--swarm") { Description = "The id is a Swarm service started with `sdock run --swarm -d` (SDOCK_SWARM_HOST or DOCKER_HOST)." };

    public static async Task<(DockerFunctions Docker, DetachedRun Run)> FindAsync(bool swarm, string id, CancellationToken cancellationToken)
    {
        var docker = swarm ? RunSwarmOptions.ConnectManager() : DockerFunctions.FromEnvironment();
        try
        {
            var run = swarm
                ? await docker.Swarm().GetRunAsync(id, cancellationToken)
                : await docker.GetRunAsync(id, cancellationToken);
            return (docker, run);
        }
        catch
        {
            await docker.DisposeAsync();
            throw;
        }
    }
}
