using System.Net;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>
/// <c>dockerAccess: scoped</c>: a function started by the gateway runs its own child containers through a scoped
/// Docker API, never the real socket, and what it leaves running is removed with it.
/// </summary>
public sealed class ScopedDockerAccessTests(EngineFixture engine)
{
    // examples/nested-function: starts three children through /var/run/docker.sock and leaves a fourth running,
    // labelled io.sdock.example.word=<its argument>.
    private const string Image = "nested-function";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120000)]
    public async Task ScopedFunction_RunsChildren_AndLeftoverChildIsRemovedWithIt()
    {
        var word = "gw" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await TestGateway.StartAsync(engine, $"""
            functions:
              nested:
                image: {Image}
                mode: plain
                args: [{word}]
                dockerAccess: scoped
                timeout: 90s
            """, cancellationToken: Ct);

        using var response = await gateway.Client.PostAsync("/function/nested", null, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{string.Join('\n', gateway.Logs.Lines)}");
        Assert.Contains("parent: my scope shows 0 container(s)", body, StringComparison.Ordinal);
        for (var i = 1; i <= 3; i++)
        {
            Assert.Contains($"child {i} says {word}", body, StringComparison.Ordinal);
        }

        // The child it left running belongs to the call's scope: removing the call's container removes it too.
        // Created by the function through its scoped socket, so it has no owner label of this process: filter by its own.
        await Eventually.TrueAsync(
            async () => (await DockerCli.RunAsync(Ct, "ps", "-a", "-q", "--filter", $"label=io.sdock.example.word={word}")) is (0, var ids) && ids.Trim().Length == 0,
            "the child it left running to be removed with it", TimeSpan.FromSeconds(30), Ct);
        var callId = response.Headers.GetValues("X-Call-Id").Single();
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={callId}", Ct);
    }

    [Fact(Timeout = 30000)]
    public void Config_ScopedAccessOnSwarm_IsRejectedWithItsLine()
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse("""
            functions:
              nested:
                image: nested-function
                backend: swarm
                dockerAccess: scoped
            """));

        Assert.StartsWith("functions.yaml:5:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("dockerAccess", ex.Message, StringComparison.Ordinal);
    }
}
