namespace ServerlessDocker.Testing;

/// <summary>The docker CLI as an independent oracle: what the engine really holds, not what the code under test believes.
/// It talks to the engine in DOCKER_HOST.</summary>
public static class DockerCli
{
    /// <summary>Runs <c>docker ARGUMENTS</c> against the engine of the test run.</summary>
    public static Task<ProcessResult> RunAsync(CancellationToken cancellationToken, params string[] arguments) =>
        ProcessRunner.RunAsync("docker", arguments, cancellationToken);

    /// <summary>Full ids of all containers (running or not) carrying a label (NAME=VALUE, or NAME alone).</summary>
    public static async Task<IReadOnlyList<string>> ContainerIdsAsync(string label, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "ps", "-aq", "--no-trunc", "--filter", $"label={label}");
        Assert.True(r.ExitCode == 0, $"docker ps failed: {r}");
        return Lines(r.StandardOutput);
    }

    /// <summary>Ids of this process's containers (running or not) with that label: parallel test runs (other checkouts,
    /// other users of the engine) never count each other's containers.</summary>
    public static async Task<IReadOnlyList<string>> ContainersAsync(string label, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "ps", "-aq", "--no-trunc", "--filter", $"label={label}", "--filter", $"label={EngineFixture.OwnedLabel}");
        Assert.True(r.ExitCode == 0, $"docker ps failed: {r}");
        return Lines(r.StandardOutput);
    }

    /// <summary>Waits until none of this process's containers carries the label (removal may run just after a response ends).</summary>
    public static async Task AssertGoneAsync(string label, CancellationToken cancellationToken, int seconds = 30)
    {
        for (var i = 0; i < seconds * 5; i++)
        {
            if ((await ContainersAsync(label, cancellationToken)).Count == 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        var states = await RunAsync(cancellationToken, "ps", "-a", "--filter", $"label={label}", "--format", "{{.ID}} {{.Status}} {{.Labels}}");
        Assert.Fail($"containers with label {label} still exist after {seconds}s:\n{states.StandardOutput}");
    }

    /// <summary>True when a container with this id exists (in any state).</summary>
    public static async Task<bool> ContainerExistsAsync(string id, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "ps", "-aq", "--no-trunc", "--filter", $"id={id}");
        Assert.True(r.ExitCode == 0, $"docker ps failed: {r}");
        return r.StandardOutput.Contains(id, StringComparison.Ordinal);
    }

    /// <summary>The state of a container ("running", "exited", ...) or null when it is gone.</summary>
    public static async Task<string?> StateAsync(string id, CancellationToken cancellationToken)
    {
        var r = await RunAsync(cancellationToken, "inspect", "--format", "{{.State.Status}}", id);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
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

    /// <summary>Every container, volume and network carrying <paramref name="label"/>, as the engine lists them.</summary>
    public static async Task<IReadOnlyList<EngineResource>> ResourcesAsync(string label, CancellationToken cancellationToken)
    {
        var found = new List<EngineResource>();
        foreach (var kind in Enum.GetValues<EngineResourceKind>())
        {
            string[] arguments = kind switch
            {
                EngineResourceKind.Container => ["ps", "-a", "--no-trunc", "--filter", $"label={label}", "--format", "{{.ID}}\t{{.Labels}}"],
                EngineResourceKind.Volume => ["volume", "ls", "--filter", $"label={label}", "--format", "{{.Name}}\t{{.Labels}}"],
                _ => ["network", "ls", "--no-trunc", "--filter", $"label={label}", "--format", "{{.ID}}\t{{.Labels}}"],
            };
            var r = await RunAsync(cancellationToken, arguments);
            Assert.True(r.ExitCode == 0, $"docker {string.Join(' ', arguments)} failed: {r}");
            found.AddRange(Lines(r.StandardOutput).Select(line => line.Split('\t', 2)).Select(p => new EngineResource(kind, p[0], p.Length > 1 ? p[1] : "")));
        }

        return found;
    }

    /// <summary>Removes containers, volumes and networks, ignoring those already gone.</summary>
    public static async Task RemoveAsync(IEnumerable<EngineResource> resources, CancellationToken cancellationToken)
    {
        // Containers first: a volume or network in use cannot be removed.
        foreach (var r in resources.OrderBy(r => r.Kind))
        {
            string[] arguments = r.Kind switch
            {
                EngineResourceKind.Container => ["rm", "-f", "-v", r.Id],
                EngineResourceKind.Volume => ["volume", "rm", "-f", r.Id],
                _ => ["network", "rm", r.Id],
            };
            await RunAsync(cancellationToken, arguments);
        }
    }

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
