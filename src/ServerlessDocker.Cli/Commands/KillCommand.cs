using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock kill ID`: kills a function and removes it.</summary>
internal static class KillCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "Container id or name." };
        var command = new Command("kill", "Kill a function (SIGKILL) and remove it.") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var docker = DockerFunctions.FromEnvironment();
            var run = await docker.GetRunAsync(parse.GetValue(id)!, ct);
            await run.KillAsync(ct);
            await run.DisposeAsync();
            Console.Out.WriteLine(run.Id);
            return 0;
        });
        return command;
    }
}
