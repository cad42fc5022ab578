using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>What a client is answered when the engine fails a look-up the proxy needs to decide a request.</summary>
public sealed class EngineErrorAnswerTests : FakeEngineProxyTests
{
    [Fact(Timeout = 30000)]
    public async Task Start_EngineFailsTheOwnershipLookUp_Answers502WithJsonMessage()
    {
        Engine.Failing("/containers/abc/json");
        var scope = await Proxy.CreateScopeAsync("t", Path.Combine(Sockets, "t.sock"), cancellationToken: TestContext.Current.CancellationToken);
        using var client = ClientFor(scope.SocketPath);

        using var response = await client.PostAsync("/v1.41/containers/abc/start", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["message"]!.GetValue<string>();
        Assert.Contains("Docker engine", message);
    }

    [Fact(Timeout = 30000)]
    public async Task Start_EngineFailsOnce_ConnectionStaysUsableForTheNextRequest()
    {
        Engine.Failing("/containers/abc/json");
        var scope = await Proxy.CreateScopeAsync("u", Path.Combine(Sockets, "u.sock"), cancellationToken: TestContext.Current.CancellationToken);
        using var client = ClientFor(scope.SocketPath);

        using var first = await client.PostAsync("/v1.41/containers/abc/start", null, TestContext.Current.CancellationToken);
        using var second = await client.PostAsync("/v1.41/containers/other/start", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
    }

    [Fact(Timeout = 30000)]
    public async Task Version_AnswerTooLargeToFilter_Answers502NamingTheLimitAndTheNextRequestWorks()
    {
        // An answer the proxy must filter but cannot hold: the engine's fault, never the client's 413.
        var padding = new string('x', (int)Authorization.AnswerFilter.MaxFilteredBytes);
        Engine.With("/v1.41/version", $$"""{"Version":"27.0","Padding":"{{padding}}"}""").With("/_ping", "\"OK\"");
        var scope = await Proxy.CreateScopeAsync("v", Path.Combine(Sockets, "v.sock"), cancellationToken: TestContext.Current.CancellationToken);
        using var client = ClientFor(scope.SocketPath);

        using var version = await client.GetAsync("/v1.41/version", TestContext.Current.CancellationToken);
        using var ping = await client.GetAsync("/_ping", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, version.StatusCode);
        var message = JsonNode.Parse(await version.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["message"]!.GetValue<string>();
        Assert.Contains($"larger than {Authorization.AnswerFilter.MaxFilteredBytes} bytes", message);
        Assert.Contains("GET /v1.41/version", message);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    private static HttpClient ClientFor(string socketPath) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://docker") };
}
