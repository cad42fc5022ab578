using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock wait [--rm] ID`: waits for a function to exit and prints its exit code, like `docker wait`.</summary>
/// <remarks>Like docker's, it removes nothing, so `sdock logs ID` still works afterwards; `--rm` removes the run once
/// it has exited, and `sdock rm` or `sdock prune` remove it later.</remarks>
internal static class WaitCommand
{
    public static Command Create()
    {
        var remove = new Option<bool>("--rm") { Description = "Remove the run once it has exited." };
        var id = new Argument<string>("ID") { Description = "Container id or name (a service id with --swarm)." };
        var swarm = RunLookup.SwarmOption();
        var command = new Command("wait", "Wait for a function to exit and print its exit code (the run is kept; --rm removes it).") { remove, id, swarm };
        command.SetAction(async (parse, ct) =>
        {
            var (docker, run) = await RunLookup.FindAsync(parse.GetValue(swarm), parse.GetValue(id)!, ct);
            await using var _ = docker;
            var result = await run.WaitAsync(ct);
            Console.Out.WriteLine(result.ExitCode);
            if (parse.GetValue(remove))
            {
                await run.DisposeAsync();
            }

            return 0;
        });
        return command;
    }
}
