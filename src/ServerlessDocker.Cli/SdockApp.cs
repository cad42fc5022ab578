using System.CommandLine;
using System.CommandLine.Invocation;
using ServerlessDocker.Cli.Commands;

namespace ServerlessDocker.Cli;

/// <summary>Composes the sdock commands and maps every failure to a clear message and exit code 125.</summary>
internal static class SdockApp
{
    /// <summary>Exit code for sdock's own errors, as docker uses it.</summary>
    public const int ErrorExitCode = 125;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("sdock: run Docker containers as functions, on one engine or a Swarm.")
        {
            RunCommand.Create(),
            PsCommand.Create(),
            LogsCommand.Create(),
            WaitCommand.Create(),
            KillCommand.Create(),
            PruneCommand.Create(),
            ServeCommand.Create(),
            ProxyCommand.Create(),
        };

        var parse = root.Parse(RunArguments.SeparateContainerArguments(args));
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"sdock: {error.Message}");
            }

            Console.Error.WriteLine("See 'sdock --help'.");
            return ErrorExitCode;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (ServerlessDockerException ex)
        {
            Console.Error.WriteLine($"sdock: {ex.Message}");
            return ErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("sdock: cancelled.");
            return 130;
        }
    }
}
