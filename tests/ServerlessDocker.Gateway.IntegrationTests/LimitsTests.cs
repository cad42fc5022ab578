using System.Net;
using System.Text;
using ServerlessDocker.Gateway.Execution;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>Per-function limits and failure handling, each checked against the engine with the docker CLI.</summary>
public sealed class LimitsTests(EngineFixture engine) : IAsyncLifetime
{
    private const string Yaml = $"""
        functions:
          slow:
            image: {EngineFixture.CgiImage}
            timeout: 2s
          slow-after-headers:
            image: {EngineFixture.CgiImage}
            timeout: 8s
          busy:
            image: {EngineFixture.CgiImage}
            concurrency: 1
            queue: 1
            timeout: 30s
          hang:
            image: {EngineFixture.CgiImage}
            timeout: 60s
          small:
            image: {EngineFixture.CgiImage}
            maxBody: 1k
          bigout:
            image: {EngineFixture.CgiImage}
            maxResponse: 10k
          plain-big:
            image: {EngineFixture.CgiImage}
            mode: plain
            args: [plain-big, "50000"]
            maxResponse: 10k
          limits:
            image: {EngineFixture.CgiImage}
            memory: 64m
            pids: 32
            cpus: 0.5
        """;

    private TestGateway _gateway = null!;

    private HttpClient Client => _gateway.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _gateway = await TestGateway.StartAsync(engine, Yaml, cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    private static string CallId(HttpResponseMessage response) => response.Headers.GetValues("X-Call-Id").Single();

    [Fact(Timeout = 60000)]
    public async Task Timeout_ProgramTooSlow_504AndContainerRemoved()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await Client.GetAsync("/function/slow/sleep-before-headers", Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("timed out after 2s", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the 2s timeout took {clock.Elapsed}");
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={CallId(response)}", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Timeout_AfterHeadersSent_ResponseCutOff()
    {
        // A timeout of its own that the container's start never uses up on a loaded engine; the script sleeps 60 s after its headers.
        using var response = await Client.GetAsync("/function/slow-after-headers/sleep", HttpCompletionOption.ResponseHeadersRead, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(async () => await response.Content.ReadAsStringAsync(Ct));
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={CallId(response)}", Ct);
    }

    [Fact(Timeout = 90000)]
    public async Task Concurrency_SlotAndQueueFull_429()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = Client.GetAsync("/function/busy/sleep-before-headers", cts.Token);
        await Eventually.TrueAsync(async () => (await DockerCli.ContainersAsync($"{GatewayLabels.Function}=busy", Ct)).Count == 1, "the first call's container", TimeSpan.FromSeconds(15), Ct);
        var queued = Client.GetAsync("/function/busy/sleep-before-headers", cts.Token);
        await Eventually.TrueAsync(async () => (await Client.GetStringAsync("/metrics", Ct)).Contains("sdock_gateway_queue_length{function=\"busy\"} 1", StringComparison.Ordinal), "the second call in the queue", TimeSpan.FromSeconds(15), Ct);

        using var rejected = await Client.GetAsync("/function/busy/env", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("1", rejected.Headers.GetValues("Retry-After").Single());
        Assert.Single(await DockerCli.ContainersAsync($"{GatewayLabels.Function}=busy", Ct));

        // Disconnecting both clients frees the slot and the queue, and removes the running container.
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Function}=busy", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Disconnect_ClientGoesAway_ContainerStoppedAndRemoved()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var call = Client.GetAsync("/function/hang/sleep-before-headers", cts.Token);
        await Eventually.TrueAsync(async () => (await DockerCli.ContainersAsync($"{GatewayLabels.Function}=hang", Ct)).Count == 1, "the call's container", TimeSpan.FromSeconds(15), Ct);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Function}=hang", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Body_LargerThanMaxBody_413()
    {
        using var tooLarge = await Client.PostAsync("/function/small/env", new ByteArrayContent(new byte[2048]), Ct);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/function/small/env") { Content = new ByteArrayContent(new byte[2048]) };
        chunked.Headers.TransferEncodingChunked = true;
        using var chunkedTooLarge = await Client.SendAsync(chunked, Ct);
        using var fits = await Client.PostAsync("/function/small/env", new ByteArrayContent(Encoding.ASCII.GetBytes(new string('a', 1000))), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedTooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Empty(await DockerCli.ContainersAsync($"{GatewayLabels.Call}={CallId(tooLarge)}", Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Response_LargerThanMaxResponse_CutOff()
    {
        using var response = await Client.GetAsync("/function/bigout/big?50000", HttpCompletionOption.ResponseHeadersRead, Ct);
        var read = 0L;
        var failed = false;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(Ct);
            var buffer = new byte[8192];
            int n;
            while ((n = await stream.ReadAsync(buffer, Ct)) > 0)
            {
                read += n;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            failed = true;
        }

        Assert.True(failed, "the cut-off response must end in an error, not look complete");
        Assert.True(read <= 10 * 1024, $"read {read} bytes past the 10k limit");
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={CallId(response)}", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Plain_LargerThanMaxResponse_502()
    {
        using var response = await Client.GetAsync("/function/plain-big", Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("maxResponse", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await DockerCli.AssertGoneAsync($"{GatewayLabels.Call}={CallId(response)}", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Isolation_Configured_LimitsNoNetworkReadOnlyRoot()
    {
        var text = await Client.GetStringAsync("/function/limits/limits", Ct);

        Assert.Contains("pids=32\n", text, StringComparison.Ordinal);
        Assert.Contains("memory=67108864\n", text, StringComparison.Ordinal);
        Assert.Contains("cpu=50000\n", text, StringComparison.Ordinal);
        Assert.Contains("net=lo \n", text, StringComparison.Ordinal);
        Assert.Contains("rootfs=readonly\n", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30000)]
    public async Task Admin_NoAdminTokenConfigured_401()
    {
        using var response = await Client.GetAsync("/admin/functions", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("disabled", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
