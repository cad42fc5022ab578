using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock ps`: lists function containers (running and exited).</summary>
internal static class PsCommand
{
    public static Command Create()
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print ids only." };
        var command = new Command("ps", "List function containers created by sdock (running and exited).") { quiet };
        command.SetAction(async (parse, ct) =>
        {
            await using var docker = DockerFunctions.FromEnvironment();
            var runs = await docker.ListAsync(ct);
            if (parse.GetValue(quiet))
            {
                foreach (var r in runs)
                {
                    Console.Out.WriteLine(r.Id[..12]);
                }

                return 0;
            }

            Console.Out.WriteLine($"{"ID",-14}{"IMAGE",-30}{"STATUS",-28}{"OWNER",-24}DETACHED");
            foreach (var r in runs)
            {
                Console.Out.WriteLine($"{r.Id[..12],-14}{Fit(r.Image, 29),-30}{Fit(r.Status, 27),-28}{Fit(r.Owner ?? "-", 23),-24}{(r.Detached ? "yes" : "no")}");
            }

            return 0;
        });
        return command;
    }

    private static string Fit(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";
}
