using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock logs [-f] ID`: prints a function's stdout and stderr, byte for byte.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing until the function exits." };
        var id = new Argument<string>("ID") { Description = "Container id or name (a service id with --swarm)." };
        var swarm = RunLookup.SwarmOption();
        var command = new Command("logs", "Print a function's output (stdout to stdout, stderr to stderr), exactly as written.") { follow, id, swarm };
        command.SetAction(async (parse, ct) =>
        {
            var (docker, run) = await RunLookup.FindAsync(parse.GetValue(swarm), parse.GetValue(id)!, ct);
            await using var _ = docker;
            await using var stdout = Console.OpenStandardOutput();
            await using var stderr = Console.OpenStandardError();
            await run.CopyLogsToAsync(stdout, stderr, parse.GetValue(follow), ct);
            return 0;
        });
        return command;
    }
}
