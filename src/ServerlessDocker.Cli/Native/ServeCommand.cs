using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock serve` in the native build: listed in the help; the full build runs it (see <see cref="FullBuildHandOff"/>).</summary>
internal static class ServeCommand
{
    public static Command Create() => new("serve", CommandSummaries.Serve);
}
