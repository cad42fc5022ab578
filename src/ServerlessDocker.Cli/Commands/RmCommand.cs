using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock rm ID...`: removes function runs (killing those still running), like `docker rm -f`.</summary>
internal static class RmCommand
{
    public static Command Create()
    {
        var ids = new Argument<string[]>("ID") { Description = "Container ids or names (service ids with --swarm).", Arity = ArgumentArity.OneOrMore };
        var swarm = RunLookup.SwarmOption();
        var command = new Command("rm", "Remove function runs, killing those still running.") { ids, swarm };
        command.SetAction(async (parse, ct) =>
        {
            foreach (var id in parse.GetValue(ids)!)
            {
                var (docker, run) = await RunLookup.FindAsync(parse.GetValue(swarm), id, ct);
                await using var _ = docker;
                await run.DisposeAsync();
                Console.Out.WriteLine(id);
            }

            return 0;
        });
        return command;
    }
}
