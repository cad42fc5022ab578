namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// Threats doc §4 "JSON bodies" (13-16) and "Dangerous create fields" (17-29): each create is answered with
/// the expected verdict, and the oracle proves no container of that name reached the engine.
/// </summary>
public sealed class AdversarialCreateBodyTests(ProxyEnvironment environment)
{
    public static TheoryData<string, string, int> Bodies => new()
    {
        // 13-16: parsing the way the engine parses.
        { "privileged", """{"Image":"busybox","HostConfig":{"Privileged":true}}""", 403 },
        { "lowercase keys", """{"Image":"busybox","hostconfig":{"privileged":true}}""", 403 },
        { "uppercase keys", """{"Image":"busybox","HOSTCONFIG":{"PRIVILEGED":true}}""", 403 },
        { "fold-variant duplicate", """{"Image":"busybox","HostConfig":{"Privileged":false},"hostconfig":{"Privileged":true}}""", 400 },
        { "exact duplicate", """{"Image":"busybox","HostConfig":{"Privileged":false,"Privileged":true}}""", 400 },
        { "kelvin sign key", "{\"Image\":\"busybox\",\"HostConfig\":{\"Networ\u212AMode\":\"host\"}}", 400 },
        { "long s key", "{\"Image\":\"busybox\",\"HostConfig\":{\"Bind\u017F\":[\"/:/host\"]}}", 400 },
        { "unicode escape", """{"Image":"busybox","HostConfig":{"\u0050rivileged":true}}""", 403 },
        { "trailing document", """{"Image":"busybox"} {"HostConfig":{"Privileged":true}}""", 400 },
        { "null body", "null", 400 },
        { "non-object HostConfig", """{"Image":"busybox","HostConfig":"privileged"}""", 400 },
        { "labels spoof owner", """{"Image":"busybox","Labels":{"io.sdock.proxy.scope":"someone"}}""", 403 },
        { "lowercase labels spoof depth", """{"Image":"busybox","labels":{"io.sdock.proxy.scope.0":"someone"}}""", 403 },
        { "case-variant label prefix", """{"Image":"busybox","Labels":{"IO.SDOCK.PROXY.scope.0":"x"}}""", 403 },

        // 17-29: dangerous fields.
        { "cap SYS_ADMIN", """{"Image":"busybox","HostConfig":{"CapAdd":["SYS_ADMIN"]}}""", 403 },
        { "cap lowercase prefixed", """{"Image":"busybox","HostConfig":{"CapAdd":["cap_sys_module"]}}""", 403 },
        { "cap ALL", """{"Image":"busybox","HostConfig":{"CapAdd":["ALL"]}}""", 403 },
        { "devices", """{"Image":"busybox","HostConfig":{"Devices":[{"PathOnHost":"/dev/mem","PathInContainer":"/dev/mem","CgroupPermissions":"rwm"}]}}""", 403 },
        { "device requests", """{"Image":"busybox","HostConfig":{"DeviceRequests":[{"Count":-1,"Capabilities":[["gpu"]]}]}}""", 403 },
        { "device cgroup rules", """{"Image":"busybox","HostConfig":{"DeviceCgroupRules":["a *:* rwm"]}}""", 403 },
        { "bind host root", """{"Image":"busybox","HostConfig":{"Binds":["/:/host"]}}""", 403 },
        { "bind engine socket", """{"Image":"busybox","HostConfig":{"Binds":["/run/sdock-engine/docker.sock:/var/run/docker.sock"]}}""", 403 },
        { "bind traversal", """{"Image":"busybox","HostConfig":{"Binds":["/tmp/../etc:/h:ro"]}}""", 403 },
        { "mounts bind", """{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"bind","Source":"/etc","Target":"/h"}]}}""", 403 },
        { "mounts bind lowercase", """{"Image":"busybox","HostConfig":{"mounts":[{"type":"bind","source":"/etc","target":"/h"}]}}""", 403 },
        { "local volume bind", """{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"volume","Target":"/h","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"type":"none","o":"bind","device":"/"}}}}]}}""", 403 },
        { "network host", """{"Image":"busybox","HostConfig":{"NetworkMode":"host"}}""", 403 },
        { "pid host", """{"Image":"busybox","HostConfig":{"PidMode":"host"}}""", 403 },
        { "ipc host", """{"Image":"busybox","HostConfig":{"IpcMode":"host"}}""", 403 },
        { "uts host", """{"Image":"busybox","HostConfig":{"UTSMode":"host"}}""", 403 },
        { "userns host", """{"Image":"busybox","HostConfig":{"UsernsMode":"host"}}""", 403 },
        { "cgroupns host", """{"Image":"busybox","HostConfig":{"CgroupnsMode":"host"}}""", 403 },
        { "seccomp unconfined", """{"Image":"busybox","HostConfig":{"SecurityOpt":["seccomp=unconfined"]}}""", 403 },
        { "apparmor unconfined", """{"Image":"busybox","HostConfig":{"SecurityOpt":["apparmor=unconfined"]}}""", 403 },
        { "label disable", """{"Image":"busybox","HostConfig":{"SecurityOpt":["label=disable"]}}""", 403 },
        { "systempaths unconfined", """{"Image":"busybox","HostConfig":{"SecurityOpt":["systempaths=unconfined"]}}""", 403 },
        { "no-new-privileges false", """{"Image":"busybox","HostConfig":{"SecurityOpt":["no-new-privileges=false"]}}""", 403 },
        { "masked paths empty", """{"Image":"busybox","HostConfig":{"MaskedPaths":[]}}""", 403 },
        { "readonly paths empty", """{"Image":"busybox","HostConfig":{"ReadonlyPaths":[]}}""", 403 },
        { "sysctls", """{"Image":"busybox","HostConfig":{"Sysctls":{"kernel.shm_rmid_forced":"1"}}}""", 403 },
        { "runtime", """{"Image":"busybox","HostConfig":{"Runtime":"io.containerd.runsc.v1"}}""", 403 },
        { "cgroup parent", """{"Image":"busybox","HostConfig":{"CgroupParent":"/"}}""", 403 },
        { "group add", """{"Image":"busybox","HostConfig":{"GroupAdd":["0"]}}""", 403 },
        { "oom score", """{"Image":"busybox","HostConfig":{"OomScoreAdj":-1000}}""", 403 },
        { "oom kill disable", """{"Image":"busybox","HostConfig":{"OomKillDisable":true}}""", 403 },
        { "ulimits", """{"Image":"busybox","HostConfig":{"Ulimits":[{"Name":"nofile","Soft":1048576,"Hard":1048576}]}}""", 403 },
        { "port bindings", """{"Image":"busybox","HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":"8080"}]}}}""", 403 },
        { "publish all", """{"Image":"busybox","HostConfig":{"PublishAllPorts":true}}""", 403 },
        { "static ip", """{"Image":"busybox","NetworkingConfig":{"EndpointsConfig":{"bridge":{"IPAMConfig":{"IPv4Address":"172.17.0.99"}}}}}""", 403 },
        { "mac address", """{"Image":"busybox","MacAddress":"02:42:ac:11:00:99"}""", 403 },
        { "links", """{"Image":"busybox","HostConfig":{"Links":["x:y"]}}""", 403 },
        { "tmpfs suid dev", """{"Image":"busybox","HostConfig":{"Tmpfs":{"/t":"suid,dev,exec"}}}""", 403 },
        { "log driver off-host", """{"Image":"busybox","HostConfig":{"LogConfig":{"Type":"syslog","Config":{"syslog-address":"udp://1.2.3.4:514"}}}}""", 403 },
        { "memory above maximum", """{"Image":"busybox","HostConfig":{"Memory":4294967296}}""", 403 },
        { "realtime cpu", """{"Image":"busybox","HostConfig":{"CpuRealtimeRuntime":950000}}""", 403 },
        { "mount type npipe", """{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"npipe","Source":"x","Target":"/h"}]}}""", 403 },

        // 23, 24, 7: references to another tenant's objects look like they do not exist.
        { "volumes from victim", """{"Image":"busybox","HostConfig":{"VolumesFrom":["{victim}"]}}""", 404 },
        { "network container victim", """{"Image":"busybox","HostConfig":{"NetworkMode":"container:{victim}"}}""", 404 },
        { "pid container victim", """{"Image":"busybox","HostConfig":{"PidMode":"container:{victim}"}}""", 404 },
        { "ipc container victim", """{"Image":"busybox","HostConfig":{"IpcMode":"container:{victim}"}}""", 404 },
        { "victim network mode", """{"Image":"busybox","HostConfig":{"NetworkMode":"{victimNet}"}}""", 404 },
        { "victim endpoint", """{"Image":"busybox","NetworkingConfig":{"EndpointsConfig":{"{victimNet}":{}}}}""", 404 },
        { "victim volume bind", """{"Image":"busybox","HostConfig":{"Binds":["{victimVol}:/data"]}}""", 404 },
        { "victim volume mount", """{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"volume","Source":"{victimVol}","Target":"/data"}]}}""", 404 },
        { "victim image", """{"Image":"{victimImage}"}""", 404 },
    };

    [Theory(Timeout = 60000)]
    [MemberData(nameof(Bodies))]
    public async Task Create_ForbiddenBody_RefusedAndNothingReachesEngine(string attack, string body, int expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var name = $"adv-{environment.RunId}-{Guid.NewGuid():N}"[..40];
        body = body.Replace("{victimNet}", tenants.VictimNetwork, StringComparison.Ordinal)
            .Replace("{victimVol}", tenants.VictimVolume, StringComparison.Ordinal)
            .Replace("{victimImage}", tenants.VictimImage, StringComparison.Ordinal)
            .Replace("{victim}", tenants.VictimContainer, StringComparison.Ordinal);

        var response = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "POST", $"/v1.41/containers/create?name={name}", body, cancellationToken: ct);

        Assert.True(response.Status == expected, $"{attack}: expected {expected}, got {response}");
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct), $"{attack}: a container reached the engine");
        Assert.Contains(environment.Audit.Lines, l => l.Contains(tenants.Attacker.Path, StringComparison.Ordinal) && l.Contains("\"deny\"", StringComparison.Ordinal) && l.Contains($"\"status\":{expected}", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60000)]
    public async Task Create_BenignBodyWithCaseVariantKeys_CreatedWithOwnerLabels()
    {
        // The positive control: the same harness lets a safe request through, so the oracle above can fail.
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var name = $"adv-ok-{environment.RunId}-{Guid.NewGuid():N}"[..40];

        var response = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "POST", $"/v1.41/containers/create?name={name}", """{"image":"busybox","cmd":["true"],"labels":{"app":"ok"},"hostconfig":{"memory":67108864}}""", cancellationToken: ct);

        Assert.True(response.Status == 201, response.ToString());
        var inspect = await DockerCli.RunAsync(ct, "inspect", "--format", "{{index .Config.Labels \"io.sdock.proxy.scope\"}} {{index .Config.Labels \"app\"}} {{.HostConfig.Memory}}", name);
        Assert.Equal($"{tenants.Attacker.Path} ok 67108864", inspect.StandardOutput.Trim());
        await DockerCli.RunAsync(ct, "rm", "-f", name);
    }

    [Fact(Timeout = 60000)]
    public async Task Create_WithoutCgroupnsMode_GetsAPrivateCgroupNamespace()
    {
        // On cgroup v1 the engine's default is the host's cgroup namespace: the premise is checked on a direct create,
        // so the test fails if the proxy stops setting the mode (and says so if the machine's default changes).
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var direct = $"adv-cgd-{environment.RunId}-{Guid.NewGuid():N}"[..40];
        var proxied = $"adv-cgp-{environment.RunId}-{Guid.NewGuid():N}"[..40];
        try
        {
            await DockerCli.RunAsync(ct, "create", "--name", direct, "busybox", "cat", "/proc/self/cgroup");
            var directMode = (await DockerCli.RunAsync(ct, "inspect", "--format", "{{.HostConfig.CgroupnsMode}}", direct)).StandardOutput.Trim();
            Assert.True(directMode == "host", $"premise: a direct create on this engine gets the host cgroup namespace, got '{directMode}'");
            var directCgroups = (await DockerCli.RunAsync(ct, "start", "-a", direct)).StandardOutput;
            Assert.Contains("/docker/", directCgroups, StringComparison.Ordinal);

            var response = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "POST", $"/v1.41/containers/create?name={proxied}", """{"Image":"busybox","Cmd":["cat","/proc/self/cgroup"],"HostConfig":{"Memory":67108864}}""", cancellationToken: ct);
            Assert.True(response.Status == 201, response.ToString());
            var mode = (await DockerCli.RunAsync(ct, "inspect", "--format", "{{.HostConfig.CgroupnsMode}}", proxied)).StandardOutput.Trim();
            Assert.Equal("private", mode);
            var cgroups = (await DockerCli.RunAsync(ct, "start", "-a", proxied)).StandardOutput;
            Assert.DoesNotContain("/docker/", cgroups, StringComparison.Ordinal);
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rm", "-f", direct, proxied);
        }
    }

    [Theory(Timeout = 60000)]
    [InlineData("""{"Image":"busybox"}""", 403)]
    [InlineData("""{"Image":"busybox","HostConfig":{}}""", 403)]
    [InlineData("""{"Image":"busybox","HostConfig":{"NetworkMode":""}}""", 403)]
    [InlineData("""{"Image":"busybox","HostConfig":{"NetworkMode":"default"}}""", 404)]
    [InlineData("""{"Image":"busybox","HostConfig":{"NetworkMode":"bridge"}}""", 404)]
    [InlineData("""{"Image":"busybox","HostConfig":{"NetworkMode":"none"}}""", 201)]
    public async Task Create_PolicyWithoutTheDefaultBridge_RefusesAnEmptyNetworkMode(string body, int expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"adv-net-{environment.RunId}-{Guid.NewGuid():N}"[..40];
        try
        {
            await using var scope = await environment.CreateScopeAsync("nonet", ProxyPolicy.Default with { NetworkModes = ["none"] });

            var response = await RawHttp.SendAsync(scope.SocketPath, "POST", $"/v1.41/containers/create?name={name}", body, cancellationToken: ct);

            Assert.True(response.Status == expected, response.ToString());
            Assert.Equal(expected == 201, await DockerCli.ContainerNamedExistsAsync(name, ct));
        }
        finally
        {
            await DockerCli.RunAsync(ct, "rm", "-f", name);
        }
    }

    [Theory(Timeout = 60000)]
    [InlineData("{root}/../../etc:/h", 403)]
    [InlineData("{root}X:/h", 403)]
    [InlineData("{root}/sub:/h:rshared", 403)]
    [InlineData("{root}//sub/./x:/h", 403)]
    [InlineData("{root}/sub:/h:ro", 201)]
    public async Task Create_BindUnderAllowlistedRoot_OnlyContainedCleanPathsAccepted(string bind, int expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Directory.CreateTempSubdirectory("sdock-allowed");
        Directory.CreateDirectory(Path.Combine(root.FullName, "sub"));
        var name = $"adv-bind-{environment.RunId}-{Guid.NewGuid():N}"[..40];
        try
        {
            await using var scope = await environment.CreateScopeAsync("binds", ProxyPolicy.Default with { BindMounts = [root.FullName] });
            var body = "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":[\"" + bind.Replace("{root}", root.FullName, StringComparison.Ordinal) + "\"]}}";

            var response = await RawHttp.SendAsync(scope.SocketPath, "POST", $"/v1.41/containers/create?name={name}", body, cancellationToken: ct);

            Assert.True(response.Status == expected, response.ToString());
            Assert.Equal(expected == 201, await DockerCli.ContainerNamedExistsAsync(name, ct));
        }
        finally
        {
            await DockerCli.RunAsync(ct, "rm", "-f", name);
            root.Delete(recursive: true);
        }
    }
}
