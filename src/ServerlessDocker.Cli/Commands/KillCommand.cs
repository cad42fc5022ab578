using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock kill ID`: kills a function and removes it.</summary>
internal static class KillCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "Container id or name (a service id with --swarm)." };
        var swarm = RunLookup.SwarmOption();
        var command = new Command("kill", "Kill a function (SIGKILL) and remove it.") { id, swarm };
        command.SetAction(async (parse, ct) =>
        {
            var (docker, run) = await RunLookup.FindAsync(parse.GetValue(swarm), parse.GetValue(id)!, ct);
            await using var _ = docker;
            await run.KillAsync(ct);
            await run.DisposeAsync();
            Console.Out.WriteLine(run.Id);
            return 0;
        });
        return command;
    }
}
