using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

// One collection for the tests on the test Swarm: one of them stops a worker node for a while.
/// <summary>Jobs with <c>backend: swarm</c> on the real 3-node test Swarm: one-shot services named for the slot.</summary>
[Collection("swarm")]
public sealed class CronSwarmTests(EngineFixture engine)
{
    private readonly string _job = "it-" + Guid.NewGuid().ToString("N")[..8];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the Swarm job test needs the 3-node test cluster. Run `scripts/swarm up` then `source /run/sdock-swarm/env`.");

    [Fact(Timeout = 180000)]
    public async Task TwoSchedulers_OnTheSwarm_RunEachSlotExactlyOnce_AndLeaveNoService()
    {
        var host = Require("SDOCK_SWARM_HOST");
        var registry = Require("SDOCK_SWARM_REGISTRY");
        var yaml = $"""
            gateway:
              adminToken: t
              swarmHost: {host}
            jobs:
              {_job}:
                schedule: "@every 3s"
                backend: swarm
                image: {registry}/busybox:latest
                args: [sh, -c, 'echo ran $SDOCK_SCHEDULED_TIME']
                timeout: 60s
            """;
        var dirs = new[] { Directory.CreateTempSubdirectory("sdock-cron-sw-a-").FullName, Directory.CreateTempSubdirectory("sdock-cron-sw-b-").FullName };
        var runs = new List<JsonElement>();
        try
        {
            await using (var a = await TestGateway.StartAsync(engine, yaml, dirs[0], Ct))
            await using (var b = await TestGateway.StartAsync(engine, yaml, dirs[1], Ct))
            {
                var deadline = DateTime.UtcNow.AddSeconds(120);
                while (true)
                {
                    runs.Clear();
                    foreach (var gateway in new[] { a, b })
                    {
                        gateway.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
                        runs.AddRange((await gateway.Client.GetFromJsonAsync<JsonElement>($"/admin/jobs/{_job}/runs?limit=1000", Ct)).GetProperty("runs").EnumerateArray());
                    }

                    if (runs.Count(r => r.GetProperty("status").GetString() == "succeeded") >= 4)
                    {
                        break;
                    }

                    Assert.True(DateTime.UtcNow < deadline, "fewer than 4 Swarm runs succeeded in 120 s: " + string.Join('\n', runs));
                    await Task.Delay(500, Ct);
                }
            }

            var succeeded = runs.Where(r => r.GetProperty("status").GetString() == "succeeded").ToList();
            var slots = succeeded.Select(r => r.GetProperty("slot").GetString()).ToList();
            Assert.Equal(slots.Distinct().Count(), slots.Count);
            Assert.All(succeeded, r => Assert.Contains("ran " + r.GetProperty("slot").GetString(), r.GetProperty("stdout").GetString(), StringComparison.Ordinal));
            Assert.DoesNotContain(runs, r => r.GetProperty("status").GetString() == "failed");

            // Every slot any scheduler tried ran once: the other one found the slot's Swarm claim taken.
            Assert.Contains(runs, r => r.GetProperty("status").GetString() == "claimed"
                && r.GetProperty("reason").GetString()!.Contains("holds the Swarm claim", StringComparison.Ordinal));

            // Each run's claim (a config named like its service) outlives the service, so a scheduler that reaches the
            // slot later still finds it taken.
            var claims = await ClaimNamesAsync(host);
            Assert.All(succeeded, r => Assert.Contains(r.GetProperty("runName").GetString(), claims));

            // The one-shot services are removed once their run is recorded.
            for (var i = 0; ; i++)
            {
                var (code, output) = await DockerCli.RunAsync(Ct, "-H", host, "service", "ls", "-q", "--filter", $"label={JobRunNames.JobLabel}={_job}");
                Assert.True(code == 0, $"docker service ls failed: {output}");
                if (output.Trim().Length == 0)
                {
                    break;
                }

                Assert.True(i < 100, $"the job's Swarm services are still there: {output}");
                await Task.Delay(200, Ct);
            }
        }
        finally
        {
            await RemoveClaimsAsync(host);
            foreach (var dir in dirs)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private async Task<List<string>> ClaimNamesAsync(string host)
    {
        var (code, output) = await DockerCli.RunAsync(Ct, "-H", host, "config", "ls", "--format", "{{.Name}}", "--filter", $"label={JobRunNames.JobLabel}={_job}");
        Assert.True(code == 0, $"docker config ls failed: {output}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    // The kept claims are the job's documented leftovers: a test removes its own.
    private async Task RemoveClaimsAsync(string host)
    {
        var names = await ClaimNamesAsync(host);
        if (names.Count > 0)
        {
            var (code, output) = await DockerCli.RunAsync(Ct, ["-H", host, "config", "rm", .. names]);
            Assert.True(code == 0, $"docker config rm failed: {output}");
        }
    }

    [Fact(Timeout = 240000)]
    public async Task NodeLostMidRun_IsRecordedAsFailedNamingTheNode()
    {
        var host = Require("SDOCK_SWARM_HOST");
        var registry = Require("SDOCK_SWARM_REGISTRY");
        var script = Require("SDOCK_SWARM_SCRIPT");
        await using var gateway = await TestGateway.StartAsync(engine, $"""
            gateway:
              adminToken: t
              swarmHost: {host}
            jobs:
              {_job}:
                schedule: "0 0 1 1 *"
                backend: swarm
                image: {registry}/busybox:latest
                args: [sleep, "90"]
                timeout: 120s
            """, cancellationToken: Ct);
        gateway.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");

        // Three runs spread over the nodes; the one on a worker loses its node (the manager must stay up).
        string? node = null;
        for (var i = 0; i < 3; i++)
        {
            (await gateway.Client.PostAsync($"/admin/jobs/{_job}/run", null, Ct)).Dispose();
            await Task.Delay(1100, Ct);
        }

        for (var i = 0; node is null; i++)
        {
            var (_, ids) = await DockerCli.RunAsync(Ct, "-H", host, "service", "ls", "-q", "--filter", $"label={JobRunNames.JobLabel}={_job}");
            foreach (var id in ids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var (_, ps) = await DockerCli.RunAsync(Ct, "-H", host, "service", "ps", id.Trim(), "--format", "{{.Node}} {{.CurrentState}}");
                if (ps.Trim().Split(' ') is [var n, "Running", ..] && n is "sdswarm2" or "sdswarm3")
                {
                    node = n;
                    break;
                }
            }

            Assert.True(i < 150, "no run of the job reached Running on a worker node");
            await Task.Delay(200, Ct);
        }

        try
        {
            var (code, output) = await SwarmScriptAsync(script, "node-stop", node);
            Assert.True(code == 0, $"node-stop {node} failed: {output}");
            for (var i = 0; ; i++)
            {
                var runs = (await gateway.Client.GetFromJsonAsync<JsonElement>($"/admin/jobs/{_job}/runs", Ct)).GetProperty("runs").EnumerateArray().ToList();
                var lost = runs.FirstOrDefault(r => r.GetProperty("status").GetString() == "failed");
                if (lost.ValueKind == JsonValueKind.Object)
                {
                    var reason = lost.GetProperty("reason").GetString()!;
                    Assert.Contains($"node {node}", reason, StringComparison.Ordinal);
                    Assert.Contains("lost mid-run", reason, StringComparison.Ordinal);
                    Assert.Equal(node, lost.GetProperty("node").GetString());
                    break;
                }

                Assert.True(i < 300, "the lost run was never recorded: " + string.Join('\n', runs));
                await Task.Delay(200, Ct);
            }
        }
        finally
        {
            var (code, output) = await SwarmScriptAsync(script, "node-start", node);
            Assert.True(code == 0, $"node-start {node} failed: {output}");
            await RemoveClaimsAsync(host);
        }
    }

    private static async Task<(int ExitCode, string Output)> SwarmScriptAsync(string script, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}
