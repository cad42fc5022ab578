using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock proxy` in the native build: listed in the help; the full build runs it (see <see cref="FullBuildHandOff"/>).</summary>
internal static class ProxyCommand
{
    public static Command Create() => new("proxy", CommandSummaries.Proxy);
}
