using System.CommandLine;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`--docker-access` in the native build: the in-process proxy lives in the full build, so the run is handed to it.</summary>
internal static class ScopedAccess
{
    /// <summary>Returns the command unchanged without the option; with it, replaces this process with the full build.</summary>
    public static Task<(ContainerCommand Command, IAsyncDisposable? Proxy)> ApplyAsync(ContainerCommand command, ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(DockerAccessOption.Option) is { } access)
        {
            DockerAccessOption.PolicyPath(access);
            throw FullBuildHandOff.Exec(Environment.GetCommandLineArgs()[1..], "'sdock run --docker-access'");
        }

        return Task.FromResult<(ContainerCommand, IAsyncDisposable?)>((command, null));
    }
}
