using ServerlessDocker.Gateway.Execution;

[assembly: AssemblyFixture(typeof(ServerlessDocker.Gateway.IntegrationTests.EngineFixture))]

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>
/// Checks once that the engine answers and the CGI test image exists (building it from tests/images when missing),
/// and at the end removes and reports any container this test process left behind.
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public const string CgiImage = "sdock-test/gateway-cgi";

    public DockerFunctions Docker { get; private set; } = null!;

    /// <summary>Label filter matching every gateway container this process created.</summary>
    public static string OwnedFilter => $"{FunctionLabels.Owner}={FunctionLabels.CurrentOwner}";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var (code, output) = await DockerCli.RunAsync(ct, "version", "--format", "{{.Server.Version}}");
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"The Docker engine is not reachable (DOCKER_HOST={host ?? "<unset>"}): {output.Trim()}. Start it with `scripts/engine up` and export DOCKER_HOST=unix:///run/sdock-engine/docker.sock.");
        }

        if ((await DockerCli.RunAsync(ct, "image", "inspect", CgiImage)).ExitCode != 0)
        {
            var context = Path.Combine(RepoRoot(), "tests", "images", "gateway-cgi");
            var (buildCode, buildOutput) = await DockerCli.RunAsync(ct, "build", "-q", "-t", CgiImage, context);
            if (buildCode != 0)
            {
                throw new InvalidOperationException($"Building {CgiImage} from {context} failed: {buildOutput}");
            }
        }

        Docker = DockerFunctions.FromEnvironment();
    }

    public async ValueTask DisposeAsync()
    {
        await Docker.DisposeAsync();

        // Last line of defence: remove anything a failed test left, so the shared engine stays clean.
        var ours = await DockerCli.ContainersAsync(GatewayLabels.Function, CancellationToken.None);
        if (ours.Count > 0)
        {
            await DockerCli.RunAsync(CancellationToken.None, ["rm", "-f", .. ours]);
        }
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessDocker.slnx")))
            {
                return dir.FullName;
            }
        }

        // Built outside the checkout (--artifacts-path): fall back to the working directory's repo.
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessDocker.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (ServerlessDocker.slnx)");
    }
}
