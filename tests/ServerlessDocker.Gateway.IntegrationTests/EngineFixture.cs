[assembly: AssemblyFixture(typeof(ServerlessDocker.Gateway.IntegrationTests.EngineFixture))]

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>The shared engine fixture (fails loudly without an engine, fails the run on a leak), plus the CGI test
/// image, built from tests/images when missing.</summary>
public sealed class EngineFixture : ServerlessDocker.Testing.EngineFixture
{
    /// <summary>The image every gateway test function runs.</summary>
    public const string CgiImage = "sdock-test/gateway-cgi";

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredImages => [CgiImage];

    /// <inheritdoc />
    protected override async Task PrepareImagesAsync(CancellationToken cancellationToken)
    {
        if ((await DockerCli.RunAsync(cancellationToken, "image", "inspect", CgiImage)).ExitCode != 0)
        {
            var context = Path.Combine(RepositoryRoot.Path, "tests", "images", "gateway-cgi");
            var (buildCode, buildOutput) = await DockerCli.RunAsync(cancellationToken, "build", "-q", "-t", CgiImage, context);
            if (buildCode != 0)
            {
                throw new InvalidOperationException($"Building {CgiImage} from {context} failed: {buildOutput}");
            }
        }
    }
}
