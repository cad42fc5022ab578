using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock logs [-f] ID`: prints a function's stdout and stderr.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing until the function exits." };
        var id = new Argument<string>("ID") { Description = "Container id or name (a service id with --swarm)." };
        var swarm = RunLookup.SwarmOption();
        var command = new Command("logs", "Print a function's output (stdout to stdout, stderr to stderr).") { follow, id, swarm };
        command.SetAction(async (parse, ct) =>
        {
            var (docker, run) = await RunLookup.FindAsync(parse.GetValue(swarm), parse.GetValue(id)!, ct);
            await using var _ = docker;
            await foreach (var e in run.ReadLogsAsync(parse.GetValue(follow), ct))
            {
                switch (e)
                {
                    case StandardOutputContainerEvent o:
                        Console.Out.WriteLine(o.Text);
                        break;
                    case StandardErrorContainerEvent err:
                        Console.Error.WriteLine(err.Text);
                        break;
                }
            }

            return 0;
        });
        return command;
    }
}
