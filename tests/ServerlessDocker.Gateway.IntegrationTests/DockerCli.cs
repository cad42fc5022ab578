using System.Diagnostics;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>The docker CLI as an independent oracle: what the engine really holds, not what the gateway believes.</summary>
internal static class DockerCli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the docker CLI");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>Ids of all containers (running or not) with that label.</summary>
    public static async Task<IReadOnlyList<string>> ContainersAsync(string labelFilter, CancellationToken cancellationToken)
    {
        // Also filtered by this process's owner label, so parallel test runs (other checkouts, other users of the engine) never count each other's containers.
        var (code, output) = await RunAsync(cancellationToken, "ps", "-a", "-q", "--filter", "label=" + labelFilter, "--filter", "label=" + EngineFixture.OwnedFilter);
        Assert.True(code == 0, $"docker ps failed: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Waits until no container carries the label (removal runs just after the response ends).</summary>
    public static async Task AssertGoneAsync(string labelFilter, CancellationToken cancellationToken, int seconds = 30)
    {
        IReadOnlyList<string> left = [];
        for (var i = 0; i < seconds * 5; i++)
        {
            left = await ContainersAsync(labelFilter, cancellationToken);
            if (left.Count == 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        var (_, states) = await RunAsync(cancellationToken, "ps", "-a", "--filter", "label=" + labelFilter, "--format", "{{.ID}} {{.Status}} {{.Labels}}");
        Assert.Fail($"containers with label {labelFilter} still exist after {seconds}s:\n{states}");
    }
}
