using System.Diagnostics;

namespace ServerlessDocker.Swarm.IntegrationTests;

/// <summary>
/// The 3-node test Swarm built by <c>scripts/swarm up</c>: reads SDOCK_SWARM_HOST (manager socket) and
/// SDOCK_SWARM_REGISTRY (the registry every node trusts) and fails with a clear message when they are missing.
/// </summary>
public sealed class SwarmCluster : IAsyncLifetime
{
    public string Host { get; } = Require("SDOCK_SWARM_HOST");

    public string Registry { get; } = Require("SDOCK_SWARM_REGISTRY");

    /// <summary>busybox, pushed to the cluster's registry by scripts/swarm up.</summary>
    public string Busybox => $"{Registry}/busybox:latest";

    public DockerFunctions Docker { get; private set; } = null!;

    public SwarmBackend Swarm { get; private set; } = null!;

    /// <summary>A raw Docker.DotNet client on the manager, to inspect what the library made.</summary>
    public Docker.DotNet.DockerClient Engine { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Docker = DockerFunctions.Connect(DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = Host }));
        Swarm = Docker.Swarm(SwarmOptions.Default with { StartTimeout = TimeSpan.FromSeconds(30) });
        Engine = new Docker.DotNet.DockerClientBuilder().WithEndpoint(Docker.Endpoint.Uri).Build();
        var manager = await Docker.IsSwarmManagerAsync(TestContext.Current.CancellationToken);
        Assert.True(manager, $"{Host} is not a Swarm manager: run `scripts/swarm up` and `source /run/sdock-swarm/env`.");
    }

    public async ValueTask DisposeAsync()
    {
        Engine?.Dispose();
        await Docker.DisposeAsync();
    }

    public ContainerCommand Command(params string[] arguments) => Docker.Command(Busybox, arguments).OnSwarm(Swarm);

    /// <summary>The docker CLI against the manager: the independent oracle.</summary>
    public async Task<(int ExitCode, string Output)> CliAsync(CancellationToken cancellationToken, params string[] arguments) =>
        await RunAsync("docker", ["-H", Host, .. arguments], cancellationToken);

    /// <summary>Ids of Swarm objects (service, secret, config) labelled io.sdock.swarm=true, per the CLI.</summary>
    public async Task<string[]> LeftoversAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var kind in new[] { "service", "secret", "config" })
        {
            var (code, output) = await CliAsync(cancellationToken, kind, "ls", "-q", "--filter", $"label={SwarmLabels.Swarm}=true");
            Assert.True(code == 0, $"docker {kind} ls failed: {output}");
            ids.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(id => $"{kind} {id}"));
        }

        return [.. ids];
    }

    /// <summary>
    /// Waits until no node holds a task container labelled io.sdock.swarm=true (nodes remove them shortly after
    /// their service is removed); returns what is left after 20 s.
    /// </summary>
    public async Task<string[]> NodeContainerLeftoversAsync(CancellationToken cancellationToken)
    {
        var hosts = Require("SDOCK_SWARM_NODE_HOSTS").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var left = new List<string>();
        for (var attempt = 0; attempt < 40; attempt++)
        {
            left.Clear();
            foreach (var host in hosts)
            {
                var (code, output) = await RunAsync("docker", ["-H", host, "ps", "-aq", "--filter", $"label={SwarmLabels.Swarm}=true"], cancellationToken);
                Assert.True(code == 0, $"docker ps on {host} failed: {output}");
                left.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(id => $"{host} {id}"));
            }

            if (left.Count == 0)
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        return [.. left];
    }

    /// <summary>Runs scripts/swarm with arguments (SDOCK_SWARM_SCRIPT, written to /run/sdock-swarm/env by `up`).</summary>
    public static Task<(int ExitCode, string Output)> ScriptAsync(CancellationToken cancellationToken, params string[] arguments) =>
        RunAsync(Require("SDOCK_SWARM_SCRIPT"), arguments, cancellationToken);

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: the Swarm tests need the 3-node test cluster. Run `scripts/swarm up` then `source /run/sdock-swarm/env`.");
}

[CollectionDefinition(Name)]
public sealed class SwarmCollection : ICollectionFixture<SwarmCluster>
{
    public const string Name = "swarm";
}
