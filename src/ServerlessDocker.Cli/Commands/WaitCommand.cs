using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock wait ID`: waits for a function to exit, prints its exit code, then removes it.</summary>
internal static class WaitCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the container after it exits." };
        var id = new Argument<string>("ID") { Description = "Container id or name." };
        var command = new Command("wait", "Wait for a function to exit, print its exit code, and remove it.") { keep, id };
        command.SetAction(async (parse, ct) =>
        {
            await using var docker = DockerFunctions.FromEnvironment();
            var run = await docker.GetRunAsync(parse.GetValue(id)!, ct);
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
