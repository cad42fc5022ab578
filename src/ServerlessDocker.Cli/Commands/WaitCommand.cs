using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock wait ID`: waits for a function to exit, prints its exit code, then removes it.</summary>
internal static class WaitCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the container after it exits." };
        var id = new Argument<string>("ID") { Description = "Container id or name (a service id with --swarm)." };
        var swarm = RunLookup.SwarmOption();
        var command = new Command("wait", "Wait for a function to exit, print its exit code, and remove it.") { keep, id, swarm };
        command.SetAction(async (parse, ct) =>
        {
            var (docker, run) = await RunLookup.FindAsync(parse.GetValue(swarm), parse.GetValue(id)!, ct);
            await using var _ = docker;
            var result = await run.WaitAsync(ct);
            Console.Out.WriteLine(result.ExitCode);
            if (!parse.GetValue(keep))
            {
                await run.DisposeAsync();
            }

            return 0;
        });
        return command;
    }
}
