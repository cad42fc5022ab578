using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock prune`: removes what crashed callers left behind.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Remove every function container, running ones included." };
        var command = new Command("prune", "Remove function containers whose owner process is gone, and exited detached runs.") { all };
        command.SetAction(async (parse, ct) =>
        {
            await using var docker = DockerFunctions.FromEnvironment();
            var removed = await docker.PruneAsync(parse.GetValue(all), ct);
            foreach (var id in removed)
            {
                Console.Out.WriteLine(id);
            }

            Console.Error.WriteLine($"Removed {removed.Count} function container(s).");
            return 0;
        });
        return command;
    }
}
