namespace ServerlessDocker.IntegrationTests.Infrastructure;

/// <summary>The docker CLI as an independent oracle: what the engine really holds, not what the library thinks.</summary>
public static class DockerCli
{
    public static async Task<ProcessResult> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("docker", arguments, cancellationToken);
        return result;
    }

    /// <summary>Full ids of all containers (running or not) carrying a label (NAME=VALUE).</summary>
    public static async Task<IReadOnlyList<string>> ContainerIdsAsync(string label, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "ps", "-aq", "--no-trunc", "--filter", $"label={label}");
        Assert.True(r.ExitCode == 0, $"docker ps failed: {r}");
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>True when a container with this id exists (in any state).</summary>
    public static async Task<bool> ContainerExistsAsync(string id, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "ps", "-aq", "--no-trunc", "--filter", $"id={id}");
        Assert.True(r.ExitCode == 0, $"docker ps failed: {r}");
        return r.StandardOutput.Contains(id, StringComparison.Ordinal);
    }

    /// <summary>Removes containers by id, ignoring those already gone.</summary>
    public static async Task RemoveAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToArray();
        if (list.Length > 0)
        {
            await RunAsync(cancellationToken, ["rm", "-f", .. list]);
        }
    }
}
