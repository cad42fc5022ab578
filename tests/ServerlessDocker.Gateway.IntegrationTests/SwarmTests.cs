using System.Net;
using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.IntegrationTests;

// One collection for the tests on the test Swarm: one of them stops a worker node for a while.
/// <summary>A function configured with <c>backend: swarm</c> runs as a one-shot service on the real 3-node test Swarm.</summary>
[Collection("swarm")]
public sealed class SwarmTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the Swarm gateway test needs the 3-node test cluster. Run `scripts/swarm up` then `source /run/sdock-swarm/env`.");

    [Fact(Timeout = 120000)]
    public async Task SwarmBackend_CgiCall_RunsAsServiceAndServiceRemoved()
    {
        var host = Require("SDOCK_SWARM_HOST");
        var registry = Require("SDOCK_SWARM_REGISTRY");
        await using var gateway = await TestGateway.StartAsync(engine, $"""
            gateway:
              swarmHost: {host}
            functions:
              onswarm:
                image: {registry}/{EngineFixture.CgiImage}:latest
                backend: swarm
                timeout: 90s
            """, cancellationToken: Ct);

        using var response = await gateway.Client.GetAsync("/function/onswarm/env?where=swarm", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var withBody = await gateway.Client.PostAsync("/function/onswarm/env", new StringContent("body"), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"status {(int)response.StatusCode}: {text}");
        var env = Env.Parse(text);
        Assert.Equal("where=swarm", env["QUERY_STRING"]);
        Assert.Equal("/env", env["PATH_INFO"]);
        Assert.Equal(HttpStatusCode.BadRequest, withBody.StatusCode);
        Assert.Contains("Swarm", await withBody.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Oracle: the manager's CLI lists no service left for the call.
        var call = response.Headers.GetValues("X-Call-Id").Single();
        for (var i = 0; ; i++)
        {
            var (code, output) = await DockerCli.RunAsync(Ct, "-H", host, "service", "ls", "-q", "--filter", $"label={GatewayLabels.Call}={call}");
            Assert.True(code == 0, $"docker service ls failed: {output}");
            if (output.Trim().Length == 0)
            {
                break;
            }

            Assert.True(i < 75, $"the call's Swarm service is still there: {output}");
            await Task.Delay(200, Ct);
        }
    }
}
