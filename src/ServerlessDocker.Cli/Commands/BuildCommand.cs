using System.CommandLine;
using ServerlessDocker.Cli.Building;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock build PROJECT_DIR -t IMAGE`: a C# function project → a FROM scratch image, offline.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var project = new Argument<string>("PROJECT_DIR") { Description = "The function's project directory (or its .csproj)." };
        var tag = new Option<string>("--tag", "-t") { Description = "Name of the image, e.g. hello or hello:1.", Required = true };
        var tzdata = new Option<bool>("--with-tzdata") { Description = "Include the host's /usr/share/zoneinfo (about 1.5 MB) so TimeZoneInfo finds named zones; without it only UTC exists." };
        var command = new Command("build", "Build a C# function into a tiny FROM scratch image (static NativeAOT, no base image, no registry).") { project, tag, tzdata };
        command.SetAction(async (parse, ct) =>
        {
            await using var docker = DockerFunctions.FromEnvironment();
            var result = await FunctionImageBuild.RunAsync(
                docker, parse.GetValue(project)!, parse.GetValue(tag)!, parse.GetValue(tzdata), line => Console.Error.WriteLine(line), ct);
            Console.Out.WriteLine(result.Id);
            return 0;
        });
        return command;
    }
}
