using System.Net;
using System.Net.Sockets;

[assembly: AssemblyFixture(typeof(ServerlessDocker.VotingApp.IntegrationTests.VotingAppFixture))]

// One app, one database: the tests count rows, so they run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ServerlessDocker.VotingApp.IntegrationTests;

/// <summary>
/// The app as a person starts it: <c>scripts/voting-app up</c> once per run (it builds every image offline), under a
/// name and port of this run's own; <c>down</c> at the end, which must leave no container, network or volume.
/// </summary>
public sealed class VotingAppFixture : IAsyncLifetime
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "scripts", "voting-app");

    /// <summary>The app's name: its containers, network and volume carry <c>io.sdock.voting-app=NAME</c>.</summary>
    public string Name { get; } = "sdock-vt-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The label on everything the app created.</summary>
    public string Label => $"io.sdock.voting-app={Name}";

    /// <summary>The base URL <c>up</c> printed as its last line.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The database container.</summary>
    public string Database => Name + "-db";

    /// <summary>How long <c>up</c> took (it builds every image).</summary>
    public TimeSpan UpTime { get; private set; }

    private int Port { get; } = FreePort();

    private string State { get; } = Path.Combine(Path.GetTempPath(), "sdock-vt-state-" + Guid.NewGuid().ToString("N")[..8]);

    private IReadOnlyList<string> _volumesBefore = [];

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        _volumesBefore = await VolumesAsync(cts.Token);
        var up = await RunScriptAsync("up", cts.Token);
        Assert.True(up.ExitCode == 0, $"scripts/voting-app up failed: {up}");
        var last = up.StandardOutput.TrimEnd().Split('\n')[^1].Trim();
        Assert.Equal($"http://127.0.0.1:{Port}", last);
        BaseAddress = new Uri(last);
        UpTime = up.Elapsed;
    }

    /// <summary>Runs <c>scripts/voting-app COMMAND</c> for this run's app.</summary>
    public Task<ProcessResult> RunScriptAsync(string command, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync("bash", [Script, command], cancellationToken, environment: new Dictionary<string, string>
        {
            ["VOTING_APP_NAME"] = Name,
            ["VOTING_APP_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VOTING_APP_STATE"] = State,
        });

    /// <summary>The number of rows in the votes table, asked of PostgreSQL itself.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RowsAsync(CancellationToken cancellationToken)
    {
        var r = await DockerCli.RunAsync(cancellationToken, "exec", Database, "psql", "-U", "voting", "voting", "-AtF", " ", "-c", "SELECT voter_id, vote FROM votes");
        Assert.True(r.ExitCode == 0, $"psql failed: {r}");
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var down = await RunScriptAsync("down", cts.Token);
        var left = (await DockerCli.ResourcesAsync(Label, cts.Token)).ToList();
        foreach (var function in (string[])["vote", "result"])
        {
            // The gateway's own function containers (cold calls, the warm pool) go when it stops.
            left.AddRange(await DockerCli.ResourcesAsync($"io.sdock.gateway.function={function}", cts.Token));
        }

        await DockerCli.RemoveAsync(left, cts.Token);
        if (down.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/voting-app down failed: {down}");
        }

        // `down` leaves nothing: no container, network or volume of the app, and no gateway process.
        if (LeakReport.Describe("scripts/voting-app down", left) is { } leak)
        {
            throw new InvalidOperationException(leak);
        }

        // Anonymous volumes carry no label: none may have appeared either.
        var newVolumes = (await VolumesAsync(cts.Token)).Except(_volumesBefore, StringComparer.Ordinal).ToList();
        if (newVolumes.Count > 0)
        {
            throw new InvalidOperationException($"after scripts/voting-app down these volumes are new on the engine: {string.Join(", ", newVolumes)}");
        }

        if (Directory.Exists(State))
        {
            throw new InvalidOperationException($"scripts/voting-app down left its state directory {State}");
        }
    }

    private static async Task<IReadOnlyList<string>> VolumesAsync(CancellationToken cancellationToken)
    {
        var r = await DockerCli.RunAsync(cancellationToken, "volume", "ls", "-q");
        Assert.True(r.ExitCode == 0, $"docker volume ls failed: {r}");
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
