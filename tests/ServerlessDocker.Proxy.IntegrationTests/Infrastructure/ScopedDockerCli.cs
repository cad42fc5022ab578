namespace ServerlessDocker.Proxy.IntegrationTests.Infrastructure;

/// <summary>The proxy suite's additions to the shared docker CLI oracle: the CLI through a scope's socket (the client
/// under test) and the engine's view of a scope.</summary>
public static class ScopedDockerCli
{
    extension(DockerCli)
    {
        /// <summary>The docker CLI through a scope's socket.</summary>
        public static Task<ProcessResult> ThroughAsync(ProxyScope scope, CancellationToken cancellationToken, string[] arguments, string? standardInput = null) =>
            ProcessRunner.RunAsync("docker", arguments, cancellationToken, standardInput, new Dictionary<string, string> { ["DOCKER_HOST"] = scope.DockerHost, ["DOCKER_BUILDKIT"] = "0" });

        /// <summary>Containers a scope's subtree owns, as the engine sees them.</summary>
        public static Task<IReadOnlyList<string>> ContainersOfAsync(ProxyScope scope, CancellationToken cancellationToken) =>
            DockerCli.ContainerIdsAsync($"io.sdock.proxy.scope.{scope.Depth}={scope.Path}", cancellationToken);

        /// <summary>True when a container with this name exists on the engine.</summary>
        public static async Task<bool> ContainerNamedExistsAsync(string name, CancellationToken cancellationToken)
        {
            var r = await DockerCli.RunAsync(cancellationToken, "ps", "-aq", "--filter", $"name=^/{name}$");
            Assert.True(r.ExitCode == 0, r.ToString());
            return r.StandardOutput.Trim().Length > 0;
        }
    }
}
