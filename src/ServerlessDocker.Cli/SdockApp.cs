using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.InteropServices;
using ServerlessDocker.Cli.Commands;

namespace ServerlessDocker.Cli;

/// <summary>Composes the sdock commands and maps every failure to a clear message and exit code 125.</summary>
internal static class SdockApp
{
    /// <summary>Exit code for sdock's own errors, as docker uses it.</summary>
    public const int ErrorExitCode = 125;

    public static async Task<int> RunAsync(string[] args)
    {
        if (CheckoutStaleness.EnsureFresh(args) is { } stale)
        {
            Console.Error.WriteLine($"sdock: {stale}");
            return ErrorExitCode;
        }

        if (FullBuildHandOff.IsNeeded(args))
        {
            Console.Error.WriteLine($"sdock: {FullBuildHandOff.Exec(args, $"'sdock {args[0]}'").Message}");
            return ErrorExitCode;
        }

        var root = new RootCommand("sdock: run Docker containers as functions, on one engine or a Swarm.")
        {
            RunCommand.Create(),
            BuildCommand.Create(),
            PsCommand.Create(),
            LogsCommand.Create(),
            WaitCommand.Create(),
            KillCommand.Create(),
            RmCommand.Create(),
            PruneCommand.Create(),
            ServeCommand.Create(),
            ProxyCommand.Create(),
            JobsCommand.Create(),
        };

        // Like docker, a bare `sdock` prints the help.
        var parse = root.Parse(args.Length == 0 ? ["--help"] : RunArguments.SeparateContainerArguments(args));
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"sdock: {HelpText.ParseError(parse)}");
            Console.Error.WriteLine("See 'sdock --help'.");
            return ErrorExitCode;
        }

        if (parse.Action is HelpAction)
        {
            using var help = new StringWriter();
            await parse.InvokeAsync(new InvocationConfiguration { Output = help }).ConfigureAwait(false);
            await Console.Out.WriteAsync(HelpText.WithDockerUsage(help.ToString())).ConfigureAwait(false);
            return 0;
        }

        // Ctrl-C (SIGINT) or SIGTERM cancels the command, which stops and removes its container before sdock exits
        // 130 or 143 as docker does; a second signal exits at once (prune removes what that leaves).
        using var interrupted = new CancellationTokenSource();
        var signal = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.CompareExchange(ref signal, SignalExitCode(context.Signal), 0) != 0)
            {
                Environment.Exit(SignalExitCode(context.Signal));
            }

            interrupted.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
                interrupted.Token).ConfigureAwait(false);
        }
        catch (Exception) when (signal != 0)
        {
            return signal;
        }
        catch (ContainerStartException ex)
        {
            // docker's convention: 127 for a command not found, 126 for one that cannot be executed.
            Console.Error.WriteLine($"sdock: {ex.Message}");
            return ex.ExitCode;
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

    private static int SignalExitCode(PosixSignal signal) => signal == PosixSignal.SIGTERM ? 143 : 130;
}
