namespace ServerlessDocker.Proxy.IntegrationTests.Infrastructure;

/// <summary>
/// Two sibling tenants shared by the adversarial suites: the victim owns a running container, a created
/// container, an exec, a volume, a network and a built image; the attacker owns one running container.
/// </summary>
public sealed class Tenants
{
    private Tenants(ProxyScope attacker, ProxyScope victim)
    {
        Attacker = attacker;
        Victim = victim;
    }

    public required string VictimContainer { get; init; }

    public required string VictimCreated { get; init; }

    public required string VictimExec { get; init; }

    public required string VictimVolume { get; init; }

    public required string VictimNetwork { get; init; }

    public required string VictimImage { get; init; }

    /// <summary>A running container in the attacker's scope, shared by tests that run in parallel: a test may exec in it, never pause, stop or commit it with its default pause.</summary>
    public required string AttackerContainer { get; init; }

    public ProxyScope Attacker { get; }

    public ProxyScope Victim { get; }

    public static async Task<Tenants> CreateAsync(ProxyEnvironment environment, CancellationToken cancellationToken)
    {
        var attacker = await environment.CreateScopeAsync("attacker");
        var victim = await environment.CreateScopeAsync("victim");
        var id = environment.RunId;

        async Task<string> Victim(params string[] args)
        {
            var r = await DockerCli.ThroughAsync(victim, cancellationToken, args);
            Assert.True(r.ExitCode == 0, $"victim setup `docker {string.Join(' ', args)}` failed: {r}");
            return r.StandardOutput.Trim();
        }

        var running = await Victim("run", "-d", "--name", $"victim-run-{id}", "busybox", "sleep", "86400");
        var created = await Victim("create", "--name", $"victim-created-{id}", "busybox", "true");
        await Victim("volume", "create", $"victim-vol-{id}");
        var network = await Victim("network", "create", "--internal", $"victim-net-{id}");
        var context = Directory.CreateTempSubdirectory("sdock-victim-image");
        await File.WriteAllTextAsync(Path.Combine(context.FullName, "Dockerfile"), "FROM busybox\nCMD [\"echo\", \"victim\"]\n", cancellationToken);
        await Victim("build", "-q", "-t", $"sdock-proxy-victim-{id}:latest", context.FullName);
        context.Delete(recursive: true);

        // An exec instance belonging to the victim's container, created straight at the engine.
        var exec = await RawHttp.SendAsync(victim.SocketPath, "POST", $"/v1.41/containers/{running}/exec", """{"Cmd":["true"]}""", cancellationToken: cancellationToken);
        Assert.True(exec.Status == 201, exec.ToString());
        var execId = System.Text.Json.JsonDocument.Parse(exec.Body).RootElement.GetProperty("Id").GetString()!;

        var attackerRun = await DockerCli.ThroughAsync(attacker, cancellationToken, ["run", "-d", "--name", $"attacker-run-{id}", "busybox", "sleep", "86400"]);
        Assert.True(attackerRun.ExitCode == 0, attackerRun.ToString());

        return new Tenants(attacker, victim)
        {
            VictimContainer = running,
            VictimCreated = created,
            VictimExec = execId,
            VictimVolume = $"victim-vol-{id}",
            VictimNetwork = network,
            VictimImage = $"sdock-proxy-victim-{id}:latest",
            AttackerContainer = attackerRun.StandardOutput.Trim(),
        };
    }

    /// <summary>Removes both tenants' objects, including the victim's image.</summary>
    public async Task DisposeAsync()
    {
        await Attacker.DisposeAsync();
        await Victim.DisposeAsync();
        await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", VictimImage);
    }
}
