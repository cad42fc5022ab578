using System.CommandLine;
using ServerlessDocker.Swarm;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock prune`: removes what crashed callers left behind, on the engine and (with --swarm) on the Swarm.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Remove every function container (and with --swarm every function service), running ones included." };
        var swarm = new Option<bool>("--swarm") { Description = "Also remove leftover function services, secrets and configs on the Swarm (SDOCK_SWARM_HOST or DOCKER_HOST)." };
        var command = new Command("prune", "Remove runs whose owner process is gone (a detached run once it has exited; never a --keep run).") { all, swarm };
        command.SetAction(async (parse, ct) =>
        {
            await using var docker = DockerFunctions.FromEnvironment();
            var removed = await docker.PruneAsync(parse.GetValue(all), ct);
            foreach (var id in removed)
            {
                Console.Out.WriteLine(id);
            }

            Console.Error.WriteLine($"Removed {removed.Count} function container(s).");
            if (parse.GetValue(swarm))
            {
                await using var manager = RunSwarmOptions.ConnectManager();
                var services = await manager.Swarm().PruneAsync(parse.GetValue(all), ct);
                foreach (var id in services)
                {
                    Console.Out.WriteLine(id);
                }

                Console.Error.WriteLine($"Removed {services.Count} Swarm object(s).");
            }

            return 0;
        });
        return command;
    }
}
