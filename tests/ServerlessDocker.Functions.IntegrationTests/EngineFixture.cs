[assembly: AssemblyFixture(typeof(ServerlessDocker.Functions.IntegrationTests.EngineFixture))]

namespace ServerlessDocker.Functions.IntegrationTests;

/// <summary>
/// The shared engine fixture, plus the test function built once by the real `./sdock build` from
/// tests/functions/hello-cgi-cs. The image stays, like the other sdock-test/* images; containers never do.
/// </summary>
public sealed class EngineFixture : ServerlessDocker.Testing.EngineFixture
{
    /// <summary>The image `sdock build` makes from tests/functions/hello-cgi-cs.</summary>
    public const string HelloImage = "sdock-test/hello-cgi-cs";

    /// <summary>The `sdock build` run that made <see cref="HelloImage"/>.</summary>
    public ProcessResult HelloBuild { get; private set; } = null!;

    /// <summary>Runs ./sdock at the repository root.</summary>
    public static Task<ProcessResult> SdockAsync(CancellationToken cancellationToken, params string[] arguments) =>
        ProcessRunner.RunAsync(Path.Combine(RepositoryRoot.Path, "sdock"), arguments, cancellationToken, workingDirectory: RepositoryRoot.Path);

    /// <inheritdoc />
    /// <remarks>Not a RequiredImages entry: the base checks those under its 15 s start-up budget, which the build outlasts; a failed build fails here.</remarks>
    protected override async Task PrepareImagesAsync(CancellationToken cancellationToken)
    {
        // A NativeAOT publish takes a minute on a quiet machine, several on a loaded one.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        HelloBuild = await SdockAsync(timeout.Token, "build", Path.Combine("tests", "functions", "hello-cgi-cs"), "-t", HelloImage);
        if (HelloBuild.ExitCode != 0)
        {
            throw new InvalidOperationException($"sdock build of tests/functions/hello-cgi-cs failed: {HelloBuild}");
        }
    }
}
