using ServerlessDocker.Proxy.Engine;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>Which engine endpoints the proxy accepts as its upstream, and the errors for the rest.</summary>
public sealed class UpstreamEndpointTests
{
    [Theory(Timeout = 10000)]
    [InlineData("unix:///var/run/docker.sock")]
    [InlineData("tcp://engine:2375")]
    [InlineData("http://engine:2375")]
    public void For_UnixOrPlainTcp_Accepted(string uri)
    {
        var connector = UpstreamConnector.For(new DockerEndpoint { Uri = new Uri(uri) });

        Assert.Equal(new Uri(uri), connector.Endpoint.Uri);
    }

    [Fact(Timeout = 10000)]
    public void For_TcpFromDockerHost_Accepted()
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = "tcp://engine:2375" });

        Assert.Equal("engine", UpstreamConnector.For(endpoint).Endpoint.Uri.Host);
    }

    [Fact(Timeout = 10000)]
    public void For_TlsFromDockerTlsVerify_RefusedNamingEndpointAndWhatToDo()
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = "tcp://engine:2376",
            ["DOCKER_TLS_VERIFY"] = "1",
        });

        var ex = Assert.Throws<ProxyEndpointException>(() => UpstreamConnector.For(endpoint));

        Assert.Equal(endpoint.Uri, ex.Endpoint);
        Assert.Contains("engine:2376", ex.Message);
        Assert.Contains("unix socket", ex.Message);
    }

    [Fact(Timeout = 10000)]
    public void For_HttpsUri_Refused()
    {
        Assert.Throws<ProxyEndpointException>(() => UpstreamConnector.For(new DockerEndpoint { Uri = new Uri("https://engine:2376") }));
    }

    [Fact(Timeout = 10000)]
    public void For_UnknownScheme_RefusedNamingTheScheme()
    {
        var ex = Assert.Throws<ProxyEndpointException>(() => UpstreamConnector.For(new DockerEndpoint { Uri = new Uri("npipe://./pipe/docker") }));

        Assert.Contains("npipe", ex.Message);
        Assert.IsAssignableFrom<ServerlessDockerException>(ex);
    }

    [Fact(Timeout = 10000)]
    public async Task StartAsync_TlsUpstream_ThrowsProxyEndpointException()
    {
        var options = new ProxyOptions { Upstream = new DockerEndpoint { Uri = new Uri("https://engine:2376"), UseTls = true } };

        await Assert.ThrowsAsync<ProxyEndpointException>(() => ScopedDockerProxy.StartAsync(options, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10000)]
    public async Task StartAsync_NoEngineAtSocket_ThrowsEngineUnavailableNamingTheEndpoint()
    {
        var uri = new Uri("unix://" + Path.Combine(Path.GetTempPath(), $"sdock-missing-{Guid.NewGuid():N}.sock"));

        var ex = await Assert.ThrowsAsync<EngineUnavailableException>(() =>
            ScopedDockerProxy.StartAsync(new ProxyOptions { Upstream = new DockerEndpoint { Uri = uri } }, TestContext.Current.CancellationToken));

        Assert.Equal(uri, ex.Endpoint);
    }

    [Theory(Timeout = 10000)]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("-lead")]
    [InlineData("has space")]
    public async Task CreateScopeAsync_BadName_ThrowsInvalidScopeName(string name)
    {
        await using var engine = new FakeEngine();
        await using var proxy = await ScopedDockerProxy.StartAsync(new ProxyOptions { Upstream = new DockerEndpoint { Uri = new Uri("unix://" + engine.SocketPath) } }, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<InvalidScopeNameException>(() => proxy.CreateScopeAsync(name, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(name, ex.Name);
    }
}
