using System.Net;
using System.Text.Json;

namespace ServerlessDocker.VotingApp.IntegrationTests;

/// <summary>The app's promises: one row per voter, the later vote wins, no task container stays, no container holds the
/// host's Docker socket, votes survive a gateway restart.</summary>
public sealed class VotingTests(VotingAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300000)]
    public async Task FiftyVoters_ExactlyFiftyRows_AndNoRecordVoteContainerLeft()
    {
        var voters = Enumerable.Range(0, 50).Select(_ => new Voter(app.BaseAddress)).ToList();
        try
        {
            var before = await app.RowsAsync(Ct);
            // The vote function runs 4 calls at once and queues 16: voters come 4 at a time, like a small crowd.
            using var gate = new SemaphoreSlim(4);
            await Task.WhenAll(voters.Select(async (voter, i) =>
            {
                await gate.WaitAsync(Ct);
                try
                {
                    var (status, page) = await voter.VoteAsync(i % 3 == 0 ? "b" : "a", Ct);
                    Assert.True(status == HttpStatusCode.OK, $"voter {i}: {(int)status} {page}");
                }
                finally
                {
                    gate.Release();
                }
            }));

            var ids = voters.Select(v => v.VoterId!).ToList();
            Assert.Equal(50, ids.Distinct(StringComparer.Ordinal).Count());
            IReadOnlyDictionary<string, string> rows = before;
            await Eventually.TrueAsync(async () => (rows = await app.RowsAsync(Ct)).Count == before.Count + 50, "50 new rows", TimeSpan.FromSeconds(60), Ct);
            Assert.All(ids.Select((id, i) => (id, i)), v => Assert.Equal(v.i % 3 == 0 ? "b" : "a", rows[v.id]));

            // No vote is lost while its task outlives the call, and each task is removed once it has exited.
            await AssertNoRecordVoteContainerAsync();
            await Task.Delay(1000, Ct);
            Assert.Equal(before.Count + 50, (await app.RowsAsync(Ct)).Count);
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    [Fact(Timeout = 120000)]
    public async Task VoterVotesTwice_CountsOnceWithTheLaterVote()
    {
        using var voter = new Voter(app.BaseAddress);
        var (first, _) = await voter.VoteAsync("a", Ct);
        Assert.Equal(HttpStatusCode.OK, first);
        var id = voter.VoterId;
        Assert.NotNull(id);
        var (second, page) = await voter.VoteAsync("b", Ct);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(id, voter.VoterId);
        Assert.Contains("You voted for Dogs", page, StringComparison.Ordinal);

        // Both tasks may finish in any order: the stored vote is the later one, in one row.
        await AssertNoRecordVoteContainerAsync();
        var rows = await app.RowsAsync(Ct);
        Assert.Equal("b", rows[id]);
        Assert.Single(rows.Keys, k => k == id);
    }

    [Fact(Timeout = 120000)]
    public async Task BadVote_Refused_NothingStored()
    {
        using var voter = new Voter(app.BaseAddress);
        var before = (await app.RowsAsync(Ct)).Count;
        var (status, _) = await voter.VoteAsync("c", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        await Task.Delay(1500, Ct);
        Assert.Equal(before, (await app.RowsAsync(Ct)).Count);
    }

    [Fact(Timeout = 180000)]
    public async Task NoContainerOfTheApp_HasTheHostDockerSocket()
    {
        var hostSocket = (Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock").Replace("unix://", string.Empty, StringComparison.Ordinal);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        using var voter = new Voter(app.BaseAddress);

        // Vote calls and their tasks live for about a second: vote while watching, until a vote container and a
        // record-vote container were both inspected while they existed.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(seen.ContainsValue("vote") && seen.ContainsValue("record-vote")) && watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            var voting = voter.VoteAsync("a", Ct);
            do
            {
                await InspectAllAsync(seen, hostSocket);
            }
            while (!voting.IsCompleted);

            Assert.Equal(HttpStatusCode.OK, (await voting).Status);
            await InspectAllAsync(seen, hostSocket);
        }

        Assert.Contains("db", seen.Values);
        Assert.Contains("result", seen.Values);
        Assert.Contains("vote", seen.Values);
        Assert.Contains("record-vote", seen.Values);
        await AssertNoRecordVoteContainerAsync();
    }

    [Fact(Timeout = 300000)]
    public async Task Votes_SurviveRestartingTheGateway()
    {
        using var voter = new Voter(app.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await voter.VoteAsync("b", Ct)).Status);
        await AssertNoRecordVoteContainerAsync();
        var before = await Voter.CountsAsync(app.BaseAddress, Ct);
        Assert.Equal("b", (await app.RowsAsync(Ct))[voter.VoterId!]);

        var restart = await app.RunScriptAsync("restart", Ct);
        Assert.True(restart.ExitCode == 0, $"restart failed: {restart}");

        Assert.Equal(before, await Voter.CountsAsync(app.BaseAddress, Ct));
        Assert.Equal("b", (await app.RowsAsync(Ct))[voter.VoterId!]);
        // The same voter, after the restart, still has one row.
        Assert.Equal(HttpStatusCode.OK, (await voter.VoteAsync("a", Ct)).Status);
        await AssertNoRecordVoteContainerAsync();
        Assert.Equal((before.A + 1, before.B - 1), await Voter.CountsAsync(app.BaseAddress, Ct));
    }

    private async Task InspectAllAsync(Dictionary<string, string> seen, string hostSocket)
    {
        var ids = (await DockerCli.ContainerIdsAsync(app.Label, Ct))
            .Concat(await DockerCli.ContainerIdsAsync("io.sdock.gateway.function=vote", Ct))
            .Concat(await DockerCli.ContainerIdsAsync("io.sdock.gateway.function=result", Ct))
            .Distinct(StringComparer.Ordinal)
            .Where(id => !seen.ContainsKey(id))
            .ToList();
        foreach (var id in ids)
        {
            var r = await DockerCli.RunAsync(Ct, "inspect", "--format", "{{json .}}", id);
            if (r.ExitCode != 0)
            {
                continue; // removed between the list and the inspect
            }

            using var json = JsonDocument.Parse(r.StandardOutput);
            var labels = json.RootElement.GetProperty("Config").GetProperty("Labels");
            var role = labels.TryGetProperty("io.sdock.gateway.function", out var fn) ? fn.GetString()!
                : labels.TryGetProperty("io.sdock.voting-app.task", out var task) ? task.GetString()!
                : json.RootElement.GetProperty("Name").GetString() == $"/{app.Database}" ? "db"
                : "other";
            foreach (var mount in json.RootElement.GetProperty("Mounts").EnumerateArray())
            {
                var source = mount.TryGetProperty("Source", out var s) ? s.GetString() ?? string.Empty : string.Empty;
                var destination = mount.GetProperty("Destination").GetString() ?? string.Empty;
                Assert.False(source == hostSocket || source is "/var/run/docker.sock" or "/run/docker.sock",
                    $"{role} container {id[..12]} has the host's Docker socket mounted at {destination}");
                if (destination == "/var/run/docker.sock")
                {
                    // Only the vote function has a Docker socket, and it is its own scope's, never the engine's.
                    Assert.Equal("vote", role);
                    Assert.Matches(@"/scope-[0-9a-f]{32}\.sock$", source);
                }
            }

            seen[id] = role;
        }
    }

    private async Task AssertNoRecordVoteContainerAsync() =>
        await Eventually.TrueAsync(
            async () =>
            {
                var r = await DockerCli.RunAsync(Ct, "ps", "-aq", "--filter", $"label={app.Label}", "--filter", "label=io.sdock.voting-app.task=record-vote");
                return r.ExitCode == 0 && r.StandardOutput.Trim().Length == 0;
            },
            "every record-vote container to be removed", TimeSpan.FromSeconds(60), Ct);
}
