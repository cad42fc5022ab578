namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// Malformed numbers and types in request bodies: each is answered 400 with a message naming the field, never a
/// closed connection, a 500 or a pass-through, and the oracle proves nothing reached the engine.
/// </summary>
public sealed class AdversarialMalformedBodyTests(ProxyEnvironment environment)
{
    public static TheoryData<string, string> CreateBodies => new()
    {
        { """{"Image":"busybox","HostConfig":{"Memory":1e400}}""", "HostConfig.Memory" },
        { """{"Image":"busybox","HostConfig":{"Memory":"12"}}""", "HostConfig.Memory" },
        { """{"Image":"busybox","HostConfig":{"NanoCpus":1.5}}""", "HostConfig.NanoCpus" },
        { """{"Image":"busybox","HostConfig":{"Memory":67108864.0}}""", "HostConfig.Memory" },
        { """{"Image":"busybox","HostConfig":{"PidsLimit":18446744073709551616}}""", "HostConfig.PidsLimit" },
        { """{"Image":"busybox","HostConfig":{"CpuShares":1e400}}""", "HostConfig.CpuShares" },
        { """{"Image":"busybox","HostConfig":{"BlkioWeight":70000}}""", "HostConfig.BlkioWeight" },
        { """{"Image":"busybox","HostConfig":{"ShmSize":"64m"}}""", "HostConfig.ShmSize" },
        { """{"Image":"busybox","HostConfig":{"Tmpfs":{"/t":{"size":"1g"}}}}""", "HostConfig.Tmpfs[/t]" },
        { """{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"tmpfs","Target":"/t","TmpfsOptions":{"SizeBytes":-1e400}}]}}""", "HostConfig.Mounts[0].TmpfsOptions.SizeBytes" },
        { """{"Image":"busybox","HostConfig":{"OomScoreAdj":-1e3}}""", "HostConfig.OomScoreAdj" },
        { """{"Image":"busybox","HostConfig":{"Privileged":"false"}}""", "HostConfig.Privileged" },
        { """{"Image":"busybox","HostConfig":{"Binds":{"/":"/host"}}}""", "HostConfig.Binds" },
        { """{"Image":"busybox","HostConfig":[]}""", "HostConfig" },
        { """{"Image":"busybox","Labels":{"app":7}}""", "Labels[app]" },
        { """{"Image":"busybox","StopTimeout":1e400}""", "StopTimeout" },
        { """{"Image":"busybox","Healthcheck":{"Retries":"3"}}""", "Healthcheck.Retries" },
        { """{"Image":"busybox","HostConfig":{"Memroy":67108864}}""", "unknown field 'Memroy'" },
        { """{"Image":"busybox","HostConfig":{"Memory":67108864},"Labels":{"a":"1","a":"2"}}""", "Duplicate property 'a'" },
    };

    [Theory(Timeout = 60000)]
    [MemberData(nameof(CreateBodies))]
    public async Task Create_MalformedValue_400NamingFieldAndNothingReachesEngine(string body, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var name = $"mal-{environment.RunId}-{Guid.NewGuid():N}"[..40];

        var response = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "POST", $"/v1.41/containers/create?name={name}", body, cancellationToken: ct);

        Assert.True(response.Status == 400, $"{body}: {response}");
        Assert.Contains(field, Message(response), StringComparison.Ordinal);
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct), $"{body}: a container reached the engine");
        Assert.Contains(environment.Audit.Lines, l => l.Contains(tenants.Attacker.Path, StringComparison.Ordinal) && l.Contains("\"deny\"", StringComparison.Ordinal) && l.Contains("\"status\":400", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60000)]
    public async Task Create_NegativeZeroAndCaseVariantKeys_ReadAsTheEngineReadsThem()
    {
        // Positive control: -0 is 0 for Go (unlimited, so the policy's default applies), so the harness above can fail.
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var name = $"mal-ok-{environment.RunId}-{Guid.NewGuid():N}"[..40];
        try
        {
            var response = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "POST", $"/v1.41/containers/create?name={name}", """{"Image":"busybox","Cmd":"true","HostConfig":{"Memory":-0,"CpuShares":512}}""", cancellationToken: ct);

            Assert.True(response.Status == 201, response.ToString());
            var inspect = await DockerCli.RunAsync(ct, "inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.CpuShares}}", name);
            Assert.Equal($"{ProxyPolicy.Default.Limits.DefaultMemoryBytes} 512", inspect.StandardOutput.Trim());
        }
        finally
        {
            await DockerCli.RunAsync(ct, "rm", "-f", name);
        }
    }

    [Fact(Timeout = 60000)]
    public async Task KeepAlive_AfterMalformedBody_ConnectionStillAnswers()
    {
        // The symptom was a closed connection with no answer: the 400 keeps the connection usable.
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        const string Body = """{"Image":"busybox","HostConfig":{"Memory":1e400}}""";
        var request = System.Text.Encoding.ASCII.GetBytes(
            $"POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\n\r\n{Body}"
            + "GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");

        var raw = await RawHttp.ExchangeAsync(tenants.Attacker.SocketPath, request, ct);

        Assert.Equal([400, 200], RawHttp.Statuses(raw));
    }

    [Theory(Timeout = 60000)]
    [InlineData("/v1.41/networks/create", """{"Name":"{name}","Internal":"true"}""", "Internal", "network")]
    [InlineData("/v1.41/networks/create", """{"Name":"{name}","Labels":{"a":1e400}}""", "Labels[a]", "network")]
    [InlineData("/v1.41/networks/create", """{"Name":"{name}","EnableIPv6":1}""", "EnableIPv6", "network")]
    [InlineData("/v1.41/volumes/create", """{"Name":"{name}","Labels":{"a":false}}""", "Labels[a]", "volume")]
    [InlineData("/v1.41/volumes/create", """{"Name":"{name}","Size":1}""", "unknown field 'Size'", "volume")]
    public async Task NetworkAndVolumeCreate_MalformedValue_400AndNothingCreated(string path, string body, string field, string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        var name = $"mal-{environment.RunId}-{Guid.NewGuid():N}"[..30];

        var response = await RawHttp.SendAsync(tenants.Attacker.SocketPath, "POST", path, body.Replace("{name}", name, StringComparison.Ordinal), cancellationToken: ct);

        Assert.True(response.Status == 400, response.ToString());
        Assert.Contains(field, Message(response), StringComparison.Ordinal);
        var listed = await DockerCli.RunAsync(ct, kind, "ls", "-q", "--filter", $"name={name}");
        Assert.Equal(string.Empty, listed.StandardOutput.Trim());
    }

    [Fact(Timeout = 60000)]
    public async Task ExecCreate_MalformedValue_400AndNoExecReachesEngine()
    {
        var ct = TestContext.Current.CancellationToken;
        // A container of its own: tests running beside this one create execs in the shared attacker container.
        await using var scope = await environment.CreateScopeAsync("malexec");
        var run = await DockerCli.ThroughAsync(scope, ct, ["run", "-d", "busybox", "sleep", "600"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var container = run.StandardOutput.Trim();
        try
        {
            var response = await RawHttp.SendAsync(scope.SocketPath, "POST", $"/v1.41/containers/{container}/exec", """{"Cmd":["true"],"Privileged":"false","User":0}""", cancellationToken: ct);

            Assert.True(response.Status == 400, response.ToString());
            Assert.Contains("Privileged", Message(response), StringComparison.Ordinal);
            var execs = await DockerCli.RunAsync(ct, "inspect", "--format", "{{len .ExecIDs}}", container);
            Assert.Equal("0", execs.StandardOutput.Trim());
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rm", "-f", container);
        }
    }

    private static string Message(RawResponse response) =>
        System.Text.Json.JsonDocument.Parse(response.Body).RootElement.GetProperty("message").GetString() ?? string.Empty;
}
