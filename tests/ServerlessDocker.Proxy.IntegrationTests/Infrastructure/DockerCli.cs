namespace ServerlessDocker.Proxy.IntegrationTests.Infrastructure;

/// <summary>The docker CLI, either straight at the engine (the oracle) or through a scope's socket (the client under test).</summary>
public static class DockerCli
{
    /// <summary>The docker CLI against the real engine (DOCKER_HOST of the test run).</summary>
    public static Task<ProcessResult> RunAsync(CancellationToken cancellationToken, params string[] arguments) =>
        ProcessRunner.RunAsync("docker", arguments, cancellationToken);

    /// <summary>The docker CLI through a scope's socket.</summary>
    public static Task<ProcessResult> ThroughAsync(ProxyScope scope, CancellationToken cancellationToken, string[] arguments, string? standardInput = null) =>
        ProcessRunner.RunAsync("docker", arguments, cancellationToken, standardInput, new Dictionary<string, string> { ["DOCKER_HOST"] = scope.DockerHost, ["DOCKER_BUILDKIT"] = "0" });

    /// <summary>Full IDs of all containers carrying a label, as the engine sees them.</summary>
    public static async Task<IReadOnlyList<string>> ContainersWithLabelAsync(string label, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "ps", "-aq", "--no-trunc", "--filter", "label=" + label);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Containers a scope's subtree owns, as the engine sees them.</summary>
    public static Task<IReadOnlyList<string>> ContainersOfAsync(ProxyScope scope, CancellationToken cancellationToken) =>
        ContainersWithLabelAsync($"io.sdock.proxy.scope.{scope.Depth}={scope.Path}", cancellationToken);

    /// <summary>True when a container with this name exists on the engine.</summary>
    public static async Task<bool> ContainerNamedExistsAsync(string name, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "ps", "-aq", "--filter", $"name=^/{name}$");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StandardOutput.Trim().Length > 0;
    }

    /// <summary>The state of a container ("running", "exited", ...) or null when it is gone.</summary>
    public static async Task<string?> StateAsync(string id, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "inspect", "--format", "{{.State.Status}}", id);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }
}
