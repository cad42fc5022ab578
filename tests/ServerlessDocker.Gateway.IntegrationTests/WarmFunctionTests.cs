using System.Net;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>
/// `warm:` on a function: the same answers as the cold function on the same image, from pooled containers that are
/// reused across calls and removed with the gateway.
/// </summary>
public sealed class WarmFunctionTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Yaml => $"""
        functions:
          cold:
            image: {EngineFixture.CgiImage}
          warm:
            image: {EngineFixture.CgiImage}
            warm:
              min: 1
              max: 2
              maxCalls: 100
          warm-plain:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-echo]
            warm: true
          cold-plain:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-echo]
        """;

    private static void UseThePublishedAgent()
    {
        var agent = Path.Combine(RepositoryRoot.Path, "artifacts", "warm-agent", "sdock-agent");
        Assert.True(File.Exists(agent), $"the warm agent is not published at {agent}: run scripts/agent");
        Environment.SetEnvironmentVariable("SDOCK_WARM_AGENT", agent);
    }

    [Theory(Timeout = 120000)]
    [InlineData("/status", "GET", null)]
    [InlineData("/echo", "POST", "a body through stdin")]
    [InlineData("/nope", "GET", null)]
    public async Task WarmCgiFunction_AnswersAsTheColdOne(string path, string method, string? body)
    {
        UseThePublishedAgent();
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

        async Task<(HttpStatusCode Status, string Body, string? Custom)> CallAsync(string function)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/function/{function}{path}");
            if (body is not null)
            {
                request.Content = new StringContent(body);
            }

            using var response = await gateway.Client.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Headers.TryGetValues("X-Custom", out var v) ? v.Single() : null);
        }

        var cold = await CallAsync("cold");
        var warm = await CallAsync("warm");

        Assert.Equal(cold, warm);
    }

    [Fact(Timeout = 120000)]
    public async Task WarmPlainFunction_AnswersAsTheColdOne()
    {
        UseThePublishedAgent();
        await using var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

        using var cold = await gateway.Client.PostAsync("/function/cold-plain", new StringContent("same input"), Ct);
        using var warm = await gateway.Client.PostAsync("/function/warm-plain", new StringContent("same input"), Ct);

        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        Assert.Equal(await cold.Content.ReadAsStringAsync(Ct), await warm.Content.ReadAsStringAsync(Ct));
    }

    [Fact(Timeout = 120000)]
    public async Task WarmFunction_CallsShareItsPooledContainer_AndTheGatewayRemovesItOnStop()
    {
        UseThePublishedAgent();
        var label = $"{Execution.GatewayLabels.Function}=warm";
        await using (var gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct))
        {
            for (var i = 0; i < 5; i++)
            {
                using var response = await gateway.Client.GetAsync("/function/warm/env", Ct);
                var env = Env.Parse(await response.Content.ReadAsStringAsync(Ct));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("/function/warm", env["SCRIPT_NAME"]);
            }

            var containers = await DockerCli.ContainerIdsAsync(label, Ct);
            Assert.True(containers.Count is >= 1 and <= 2, $"{containers.Count} containers for 5 sequential warm calls");
        }

        await DockerCli.AssertGoneAsync(label, Ct);
    }
}
