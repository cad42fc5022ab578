using System.Text;

namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>Threats doc §4 "HTTP framing" (8-12): smuggling, chunked and oversized bodies, content types, upgrades.</summary>
public sealed class AdversarialFramingTests(ProxyEnvironment environment)
{
    private const string Privileged = """{"Image":"busybox","HostConfig":{"Privileged":true}}""";

    private string NewName() => $"adv-fr-{environment.RunId}-{Guid.NewGuid():N}"[..40];

    [Theory(Timeout = 60000)]
    [InlineData("Content-Length: {len}\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: {len}\r\n")]
    [InlineData("Content-Length: {len}\r\nContent-Length: 2\r\n")]
    [InlineData("Transfer-Encoding: chunked, identity\r\n")]
    [InlineData("Transfer-Encoding : chunked\r\n")]
    public async Task Create_SmugglingFraming_RejectedAndNothingCreated(string framing)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var name = NewName();
        var head = $"POST /v1.41/containers/create?name={name} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n{framing.Replace("{len}", Privileged.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}\r\n";

        var raw = await RawHttp.ExchangeAsync(t.Attacker.SocketPath, Encoding.ASCII.GetBytes(head + Privileged), ct);

        Assert.Equal([400], RawHttp.Statuses(raw));
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Pipelining_AllowedThenForbiddenThenAllowed_EachDecidedOnItsOwn()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var name = NewName();
        var requests = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"
            + $"POST /v1.41/containers/create?name={name} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {Privileged.Length}\r\n\r\n{Privileged}"
            + $"GET /v1.41/containers/{t.VictimContainer}/json HTTP/1.1\r\nHost: docker\r\n\r\n"
            + "GET /version HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n";

        var raw = await RawHttp.ExchangeAsync(t.Attacker.SocketPath, Encoding.ASCII.GetBytes(requests), ct);

        Assert.Equal([200, 403, 404, 200], RawHttp.Statuses(raw));
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct));
    }

    [Theory(Timeout = 60000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Create_ChunkedBody_InspectedLikeAnyOther(bool privileged)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var name = NewName();
        var body = privileged ? Privileged : """{"Image":"busybox","Cmd":["true"]}""";
        var half = body.Length / 2;
        var chunked = $"{half:x}\r\n{body[..half]}\r\n{body.Length - half:x}\r\n{body[half..]}\r\n0\r\n\r\n";
        var head = $"POST /v1.41/containers/create?name={name} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";

        var raw = await RawHttp.ExchangeAsync(t.Attacker.SocketPath, Encoding.ASCII.GetBytes(head + chunked), ct);

        Assert.Equal([privileged ? 403 : 201], RawHttp.Statuses(raw));
        Assert.Equal(!privileged, await DockerCli.ContainerNamedExistsAsync(name, ct));
        await DockerCli.RunAsync(ct, "rm", "-f", name);
    }

    [Fact(Timeout = 60000)]
    public async Task Create_OversizedBody_413AndNothingCreated()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var name = NewName();
        // Only the head is sent: the proxy must refuse on the declared length, before reading (or forwarding) a byte of it.
        var head = $"POST /v1.41/containers/create?name={name} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n{{\"Image\":\"busybox\",\"HostConfig\":{{\"Privileged\":true}},\"Env\":[\"PAD=";
        var response = RawHttp.Parse(await RawHttp.ExchangeAsync(t.Attacker.SocketPath, Encoding.ASCII.GetBytes(head), ct));

        Assert.Equal(413, response.Status);
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct));
    }

    [Theory(Timeout = 60000)]
    [InlineData("")]
    [InlineData("Content-Type: text/plain\r\n")]
    [InlineData("Content-Type: application/json; charset=utf-8\r\n")]
    [InlineData("Content-Type: application/x-tar\r\n")]
    public async Task Create_AnyContentType_BodyStillInspected(string contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var name = NewName();
        var head = $"POST /v1.41/containers/create?name={name} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n{contentType}Content-Length: {Privileged.Length}\r\n\r\n";

        var raw = await RawHttp.ExchangeAsync(t.Attacker.SocketPath, Encoding.ASCII.GetBytes(head + Privileged), ct);

        Assert.Equal([403], RawHttp.Statuses(raw));
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct));
    }

    [Fact(Timeout = 60000)]
    public async Task Upgrade_OnNonHijackEndpoint_Rejected()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);

        var response = await RawHttp.SendAsync(t.Attacker.SocketPath, "GET", "/v1.41/containers/json", extraHeaders: "Upgrade: tcp\r\nConnection: Upgrade\r\n", cancellationToken: ct);

        Assert.Equal(400, response.Status);
    }

    [Fact(Timeout = 60000)]
    public async Task Upgrade_AttachAnsweredNot101_ConnectionReturnsToRequestParsing()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var name = NewName();
        // The bytes after a refused upgrade are the next request, never a blind pipe to the engine.
        var requests = $"POST /v1.41/containers/{t.VictimContainer}/attach?stream=1&stdin=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
            + $"POST /v1.41/containers/create?name={name} HTTP/1.1\r\nHost: docker\r\nContent-Length: {Privileged.Length}\r\n\r\n{Privileged}"
            + "GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n";

        var raw = await RawHttp.ExchangeAsync(t.Attacker.SocketPath, Encoding.ASCII.GetBytes(requests), ct);

        Assert.Equal([404, 403, 200], RawHttp.Statuses(raw));
        Assert.False(await DockerCli.ContainerNamedExistsAsync(name, ct));
    }

    [Theory(Timeout = 60000)]
    [InlineData("X-HTTP-Method-Override: DELETE\r\n")]
    [InlineData("X-Method-Override: DELETE\r\n")]
    public async Task MethodOverrideHeader_Rejected(string header)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);

        var response = await RawHttp.SendAsync(t.Attacker.SocketPath, "POST", $"/v1.41/containers/{t.AttackerContainer}/wait?condition=not-running", extraHeaders: header, cancellationToken: ct);

        Assert.Equal(400, response.Status);
        Assert.Equal("running", await DockerCli.StateAsync(t.AttackerContainer, ct));
    }

    [Fact(Timeout = 60000)]
    public async Task ExecStart_UpgradeWithBody_101AndHalfCloseDeliversStdinEof()
    {
        // The request Kestrel would refuse: an upgrade that carries a JSON body.
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var create = await RawHttp.SendAsync(t.Attacker.SocketPath, "POST", $"/v1.41/containers/{t.AttackerContainer}/exec", """{"Cmd":["wc","-c"],"AttachStdin":true,"AttachStdout":true}""", cancellationToken: ct);
        Assert.Equal(201, create.Status);
        var execId = System.Text.Json.JsonDocument.Parse(create.Body).RootElement.GetProperty("Id").GetString()!;
        const string start = """{"Detach":false,"Tty":true}""";

        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(t.Attacker.SocketPath), ct);
        var request = $"POST /v1.41/exec/{execId}/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: {start.Length}\r\n\r\n{start}";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request + "12345"), System.Net.Sockets.SocketFlags.None, ct);
        socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        int n;
        while ((n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        var text = received.ToString();
        Assert.StartsWith("HTTP/1.1 101", text, StringComparison.Ordinal);
        Assert.Contains("5", text[text.IndexOf("\r\n\r\n", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }
}
