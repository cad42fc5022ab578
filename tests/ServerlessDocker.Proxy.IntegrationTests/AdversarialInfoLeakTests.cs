using System.Text.Json;

namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// What a tenant sees of the engine's own answers: no kernel build or component details in /version, and no host path
/// (the engine's data root, the storage driver's directories, a volume's mount point, the container's resolv.conf,
/// hosts and log files) in inspect and list answers. Each test first proves, on the real socket, that the engine
/// does answer with what is filtered, so the filter is what the test sees.
/// </summary>
public sealed class AdversarialInfoLeakTests(ProxyEnvironment environment)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task Version_KeepsTheNegotiationFields_DropsKernelAndComponents()
    {
        var tenants = await environment.GetTenantsAsync(Ct);
        var direct = await DockerCli.RunAsync(Ct, "version", "--format", "{{.Server.KernelVersion}}");
        Assert.True(direct.StandardOutput.Trim().Length > 0, $"premise: the engine reports its kernel: {direct}");

        var response = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "GET", "/v1.41/version", cancellationToken: Ct);

        Assert.True(response.Status == 200, response.ToString());
        using var json = JsonDocument.Parse(response.Body);
        var fields = json.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Contains("ApiVersion", fields);
        Assert.Contains("Version", fields);
        Assert.DoesNotContain("KernelVersion", fields);
        Assert.DoesNotContain("Components", fields);
        Assert.DoesNotContain("GitCommit", fields);
        Assert.DoesNotContain(direct.StandardOutput.Trim(), response.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task ContainerInspectAndList_CarryNoHostPath()
    {
        var tenants = await environment.GetTenantsAsync(Ct);
        var root = await DataRootAsync();
        var direct = await DockerCli.RunAsync(Ct, "inspect", tenants.AttackerContainer);
        Assert.Contains(root, direct.StandardOutput, StringComparison.Ordinal);  // premise: GraphDriver, HostsPath, LogPath ...

        var inspect = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "GET", $"/v1.41/containers/{tenants.AttackerContainer}/json", cancellationToken: Ct);
        var list = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "GET", "/v1.41/containers/json?all=1", cancellationToken: Ct);

        Assert.True(inspect.Status == 200, inspect.ToString());
        Assert.DoesNotContain(root, inspect.Body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(inspect.Body);
        Assert.Equal(tenants.AttackerContainer, json.RootElement.GetProperty("Id").GetString());  // still the container's answer
        Assert.Equal("", json.RootElement.GetProperty("HostsPath").GetString());
        Assert.Empty(json.RootElement.GetProperty("GraphDriver").GetProperty("Data").EnumerateObject());
        Assert.True(list.Status == 200, list.ToString());
        Assert.Contains(tenants.AttackerContainer, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(root, list.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task VolumeInspectAndList_CarryNoMountpoint()
    {
        var tenants = await environment.GetTenantsAsync(Ct);
        var root = await DataRootAsync();
        var direct = await DockerCli.RunAsync(Ct, "volume", "inspect", "--format", "{{.Mountpoint}}", tenants.VictimVolume);
        Assert.StartsWith(root, direct.StandardOutput.Trim(), StringComparison.Ordinal);  // premise

        var inspect = await RawHttp.SendAsync(tenants.Victim.SocketPath, "GET", $"/v1.41/volumes/{tenants.VictimVolume}", cancellationToken: Ct);
        var list = await RawHttp.SendAsync(tenants.Victim.SocketPath, "GET", "/v1.41/volumes", cancellationToken: Ct);

        Assert.True(inspect.Status == 200, inspect.ToString());
        using var json = JsonDocument.Parse(inspect.Body);
        Assert.Equal(tenants.VictimVolume, json.RootElement.GetProperty("Name").GetString());
        Assert.Equal("", json.RootElement.GetProperty("Mountpoint").GetString());
        Assert.True(list.Status == 200, list.ToString());
        Assert.Contains(tenants.VictimVolume, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(root, list.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120000)]
    public async Task DockerCli_ThroughTheProxy_StillReadsFilteredAnswers()
    {
        // The clients must take the filtered shapes: docker version, inspect and volume ls through the scoped socket.
        var tenants = await environment.GetTenantsAsync(Ct);
        var host = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + tenants.Victim.SocketPath };

        var version = await ProcessRunner.RunAsync("docker", ["version", "--format", "{{.Server.APIVersion}} [{{.Server.KernelVersion}}]"], Ct, environment: host);
        var volumes = await ProcessRunner.RunAsync("docker", ["volume", "inspect", "--format", "{{.Name}} [{{.Mountpoint}}]", tenants.VictimVolume], Ct, environment: host);

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.EndsWith("[]", version.StandardOutput.Trim(), StringComparison.Ordinal);
        Assert.True(volumes.ExitCode == 0, volumes.ToString());
        Assert.Equal($"{tenants.VictimVolume} []", volumes.StandardOutput.Trim());
    }

    private static async Task<string> DataRootAsync()
    {
        var info = await DockerCli.RunAsync(Ct, "info", "--format", "{{.DockerRootDir}}");
        var root = info.StandardOutput.Trim();
        Assert.True(info.ExitCode == 0 && root.StartsWith('/'), $"docker info: {info}");
        return root;
    }
}
