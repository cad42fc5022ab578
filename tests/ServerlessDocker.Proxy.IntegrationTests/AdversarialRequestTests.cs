namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// Threats doc §4 "Routing and encoding" (1-7) and "Ownership logic" (30-38), from the attacker's socket:
/// each request gets the expected verdict and the victim's objects are untouched afterwards.
/// </summary>
public sealed class AdversarialRequestTests(ProxyEnvironment environment)
{
    public static TheoryData<string, string, string?, int> Requests => new()
    {
        // 1. Version prefixes the engine does not route, or that revive legacy semantics.
        { "GET", "/V1.41/containers/json", null, 403 },
        { "GET", "/v1.41/v1.41/containers/json", null, 403 },
        { "GET", "/v1.41.0/containers/json", null, 400 },
        { "POST", "/v1.20/containers/{attacker}/start", """{"Privileged":true,"Binds":["/:/host"]}""", 400 },
        { "GET", "/v4.0.0/libpod/containers/json", null, 400 },
        { "GET", "/v1.41/libpod/containers/json", null, 403 },
        // 2-5. Encoding, dot segments, separators, greedy names.
        { "GET", "/v1.41/containers/{victim}/json", null, 404 },
        { "GET", "/v1.41/containers%2F{victim}%2Fjson", null, 404 },
        { "GET", "/v1.41/containers/{victim}%252Fjson", null, 400 },
        { "GET", "/v1.41/containers/{attacker}/../{victim}/json", null, 400 },
        { "DELETE", "/v1.41/containers/{attacker}/%2e%2e/{victim}?force=1", null, 400 },
        { "GET", "/v1.41//containers/json", null, 400 },
        { "GET", "/v1.41/containers/json/", null, 400 },
        { "GET", "/v1.41/networks/", null, 400 },
        { "GET", "/v1.41/containers/{victim};x=1/json", null, 400 },
        { "GET", "/v1.41/containers/{victim}%00/json", null, 400 },
        { "GET", "/v1.41/containers/{victim}%0a/json", null, 400 },
        { "GET", "/v1.41/containers/{victim}%5c/json", null, 400 },
        { "GET", "/v1.41/containers/{victim}/json/extra", null, 403 },
        { "GET", "/v1.41/CONTAINERS/json", null, 403 },
        // 6. Identifiers in the query string; duplicate filters.
        { "POST", "/v1.41/commit?container={victim}&repo=stolen", null, 404 },
        { "GET", "/v1.41/images/get?names=busybox", null, 404 },
        { "GET", "/v1.41/images/get?names={victimImage}", null, 404 },
        { "POST", "/v1.41/images/busybox/tag?repo=evil&tag=x", null, 404 },
        { "GET", "/v1.41/containers/json?filters=%7B%7D&filters=%7B%7D", null, 400 },
        // 7. Methods.
        { "OPTIONS", "/v1.41/containers/json", null, 405 },
        { "get", "/v1.41/containers/json", null, 405 },
        { "HEAD", "/v1.41/containers/json", null, 403 },
        { "PATCH", "/v1.41/containers/{victim}/json", null, 405 },
        // 30-32. Exec and containers by ID, short ID and name.
        { "POST", "/v1.41/containers/{victim}/exec", """{"Cmd":["id"]}""", 404 },
        { "POST", "/v1.41/containers/{attacker}/exec", """{"Cmd":["id"],"Privileged":true}""", 403 },
        { "POST", "/v1.41/containers/{attacker}/exec", """{"Cmd":["id"],"privileged":true}""", 403 },
        { "POST", "/v1.41/exec/{victimExec}/start", """{"Detach":true}""", 404 },
        { "GET", "/v1.41/exec/{victimExec}/json", null, 404 },
        { "POST", "/v1.41/containers/{victimShort}/kill", null, 404 },
        { "POST", "/v1.41/containers/victim-run-{run}/stop", null, 404 },
        { "DELETE", "/v1.41/containers/{victim}?force=1", null, 404 },
        { "POST", "/v1.41/containers/{victim}/rename?name=pwned", null, 404 },
        { "POST", "/v1.41/containers/{attacker}/update", """{"Memory":0,"PidsLimit":-1}""", 403 },
        // 33-34. Shared images and tag hijack.
        { "DELETE", "/v1.41/images/busybox:latest?force=1", null, 404 },
        { "DELETE", "/v1.41/images/{victimImage}", null, 404 },
        { "GET", "/v1.41/images/{victimImage}/json", null, 404 },
        { "POST", "/v1.41/images/busybox/push", null, 403 },
        { "POST", "/v1.41/images/create?fromSrc=-&repo=imported", null, 403 },
        { "POST", "/v1.41/images/create?fromImage=busybox&tag=latest", null, 403 },
        { "POST", "/v1.41/images/load", null, 403 },
        { "POST", "/v1.41/build?t=busybox:latest", null, 403 },
        // 35. System-wide endpoints.
        { "POST", "/v1.41/build/prune", null, 403 },
        { "GET", "/v1.41/system/df", null, 403 },
        { "GET", "/v1.41/info", null, 403 },
        { "POST", "/v1.41/auth", """{"username":"x"}""", 403 },
        { "GET", "/v1.41/distribution/busybox/json", null, 403 },
        { "POST", "/v1.41/swarm/init", """{}""", 403 },
        { "GET", "/v1.41/services", null, 403 },
        { "GET", "/v1.41/plugins", null, 403 },
        { "POST", "/v1.41/plugins/pull?remote=x", null, 403 },
        { "GET", "/v1.41/containers/{attacker}/checkpoints", null, 403 },
        // 36. GET exfiltration and the stdin WebSocket.
        { "GET", "/v1.41/containers/{victim}/archive?path=/etc", null, 404 },
        { "HEAD", "/v1.41/containers/{victim}/archive?path=/etc", null, 404 },
        { "GET", "/v1.41/containers/{victim}/export", null, 404 },
        { "GET", "/v1.41/containers/{victim}/logs?stdout=1", null, 404 },
        { "GET", "/v1.41/containers/{victim}/attach/ws?stdin=1&stream=1", null, 403 },
        { "GET", "/v1.41/containers/{victim}/top", null, 404 },
        // 37. BuildKit and build options reaching the host.
        { "POST", "/v1.41/session", null, 403 },
        { "POST", "/v1.41/grpc", null, 403 },
        { "POST", "/v1.41/build?version=2", null, 403 },
        { "POST", "/v1.41/build?networkmode=host", null, 403 },
        { "POST", "/v1.41/build?remote=https://example.invalid/ctx.git", null, 403 },
        { "POST", "/v1.41/build?cgroupparent=/", null, 403 },
        { "POST", "/v1.41/build?labels=%7B%22io.sdock.proxy.scope%22%3A%22x%22%7D", null, 403 },
        // Networks and volumes.
        { "GET", "/v1.41/networks/{victimNet}", null, 404 },
        { "DELETE", "/v1.41/networks/{victimNet}", null, 404 },
        { "POST", "/v1.41/networks/{victimNet}/connect", """{"Container":"{attacker}"}""", 404 },
        { "POST", "/v1.41/networks/create", """{"Name":"adv-macvlan","Driver":"macvlan","Options":{"parent":"eth0"}}""", 403 },
        { "POST", "/v1.41/networks/create", """{"Name":"adv-bridge","Options":{"com.docker.network.bridge.name":"docker0"}}""", 403 },
        { "POST", "/v1.41/networks/create", """{"Name":"adv-subnet","IPAM":{"Config":[{"Subnet":"10.0.0.0/8"}]}}""", 403 },
        { "GET", "/v1.41/volumes/{victimVol}", null, 404 },
        { "DELETE", "/v1.41/volumes/{victimVol}", null, 404 },
        { "POST", "/v1.41/volumes/create", """{"Name":"{victimVol}"}""", 409 },
        { "POST", "/v1.41/volumes/create", """{"Name":"adv-bindvol","DriverOpts":{"type":"none","o":"bind","device":"/"}}""", 403 },
        { "POST", "/v1.41/volumes/create", """{"Name":"adv-bindvol2","driveropts":{"o":"bind","device":"/etc"}}""", 403 },
    };

    [Theory(Timeout = 60000)]
    [MemberData(nameof(Requests))]
    public async Task Request_Attack_VerdictAndVictimUntouched(string method, string target, string? body, int expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        string Fill(string s) => s
            .Replace("{victimShort}", t.VictimContainer[..12], StringComparison.Ordinal)
            .Replace("{victimExec}", t.VictimExec, StringComparison.Ordinal)
            .Replace("{victimNet}", t.VictimNetwork, StringComparison.Ordinal)
            .Replace("{victimVol}", t.VictimVolume, StringComparison.Ordinal)
            .Replace("{victimImage}", t.VictimImage, StringComparison.Ordinal)
            .Replace("{victim}", t.VictimContainer, StringComparison.Ordinal)
            .Replace("{attacker}", t.AttackerContainer, StringComparison.Ordinal)
            .Replace("{run}", environment.RunId, StringComparison.Ordinal);

        var response = await RawHttp.SendAsync(t.Attacker.SocketPath, method, Fill(target), body is null ? null : Fill(body), cancellationToken: ct);

        Assert.True(response.Status == expected, $"{method} {target}: expected {expected}, got {response}");
        await AssertVictimUntouchedAsync(t, ct);
        Assert.False(await VolumeExistsAsync("adv-bindvol", ct) || await VolumeExistsAsync("adv-bindvol2", ct), "a forbidden volume reached the engine");
    }

    [Theory(Timeout = 60000)]
    [InlineData("""{"label":["io.sdock.proxy.scope.0={victimScope}"]}""")]
    [InlineData("""{"label":{"io.sdock.proxy.scope.0={victimScope}":true}}""")]
    [InlineData("""{"id":["{victim}"]}""")]
    public async Task List_FiltersNamingTheVictim_StillAndedWithOwner(string filters)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        filters = filters.Replace("{victimScope}", t.Victim.Path, StringComparison.Ordinal).Replace("{victim}", t.VictimContainer, StringComparison.Ordinal);

        var response = await RawHttp.SendAsync(t.Attacker.SocketPath, "GET", "/containers/json?all=1&filters=" + Uri.EscapeDataString(filters), cancellationToken: ct);

        Assert.Equal(200, response.Status);
        Assert.DoesNotContain(t.VictimContainer, response.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task List_Unfiltered_ShowsOwnOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);

        var containers = await RawHttp.SendAsync(t.Attacker.SocketPath, "GET", "/containers/json?all=1", cancellationToken: ct);
        var volumes = await RawHttp.SendAsync(t.Attacker.SocketPath, "GET", "/volumes", cancellationToken: ct);
        var networks = await RawHttp.SendAsync(t.Attacker.SocketPath, "GET", "/networks", cancellationToken: ct);
        var images = await RawHttp.SendAsync(t.Attacker.SocketPath, "GET", "/images/json", cancellationToken: ct);

        Assert.Contains(t.AttackerContainer, containers.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(t.VictimContainer, containers.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(t.VictimVolume, volumes.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(t.VictimNetwork, networks.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(t.VictimImage.Split(':')[0], images.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task Events_BoundedWindow_NoVictimEvents()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        // Fresh events on both sides (the engine keeps only a bounded event log): the victim's straight at the engine.
        Assert.Equal(0, (await DockerCli.RunAsync(ct, "exec", t.VictimContainer, "true")).ExitCode);
        // An exec through the proxy, not a pause: the attacker's container is shared with tests running in parallel.
        var exec = await RawHttp.SendAsync(t.Attacker.SocketPath, "POST", $"/containers/{t.AttackerContainer}/exec", """{"Cmd":["true"]}""", cancellationToken: ct);
        Assert.Equal(201, exec.Status);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;

        var response = await RawHttp.SendAsync(t.Attacker.SocketPath, "GET", $"/events?since={since}&until={until}", cancellationToken: ct);
        var direct = await DockerCli.RunAsync(ct, "events", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture), "--until", until.ToString(System.Globalization.CultureInfo.InvariantCulture), "--filter", "container=" + t.VictimContainer);

        Assert.Equal(200, response.Status);
        Assert.Contains(t.AttackerContainer, response.Body, StringComparison.Ordinal);
        Assert.Contains("exec_start", direct.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(t.VictimContainer, response.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task Prune_Containers_VictimsStoppedContainerSurvives()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        // A scope of its own: a prune in the shared attacker scope would remove what tests running beside this one created there.
        await using var pruner = await environment.CreateScopeAsync("prune");
        var own = $"adv-prune-{environment.RunId}-{Guid.NewGuid():N}"[..40];
        Assert.Equal(0, (await DockerCli.ThroughAsync(pruner, ct, ["create", "--name", own, "busybox", "true"])).ExitCode);

        var response = await RawHttp.SendAsync(pruner.SocketPath, "POST", "/containers/prune", cancellationToken: ct);

        Assert.Equal(200, response.Status);
        Assert.False(await DockerCli.ContainerNamedExistsAsync(own, ct), "the pruning scope's own stopped container was not pruned");
        Assert.Equal("created", await DockerCli.StateAsync(t.VictimCreated, ct));
    }

    private static async Task AssertVictimUntouchedAsync(Tenants t, CancellationToken ct)
    {
        Assert.Equal("running", await DockerCli.StateAsync(t.VictimContainer, ct));
        var inspect = await DockerCli.RunAsync(ct, "inspect", "--format", "{{.Name}}", t.VictimContainer, t.VictimCreated);
        Assert.Equal($"/victim-run-{t.Victim.Path.Split('-')[1]}", inspect.StandardOutput.Split('\n')[0].Trim());
        Assert.True((await DockerCli.RunAsync(ct, "volume", "inspect", t.VictimVolume)).ExitCode == 0, "victim volume is gone");
        Assert.True((await DockerCli.RunAsync(ct, "network", "inspect", t.VictimNetwork)).ExitCode == 0, "victim network is gone");
        Assert.True((await DockerCli.RunAsync(ct, "image", "inspect", t.VictimImage)).ExitCode == 0, "victim image is gone");
        var images = await DockerCli.RunAsync(ct, "images", "-q", "stolen");
        Assert.Equal(string.Empty, images.StandardOutput.Trim());
    }

    private static async Task<bool> VolumeExistsAsync(string name, CancellationToken ct) =>
        (await DockerCli.RunAsync(ct, "volume", "inspect", name)).ExitCode == 0;
}
