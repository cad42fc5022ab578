using ServerlessDocker.Proxy.Authorization;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>
/// The common ground of the decision tests: a proxy started on a <see cref="FakeEngine"/>, with its own socket
/// directory, torn down after each test; and the authoriser called the way the connection calls it.
/// </summary>
public abstract class FakeEngineProxyTests : IAsyncLifetime
{
    private protected FakeEngine Engine { get; } = new();

    private protected string Sockets { get; } = Directory.CreateTempSubdirectory("sdp").FullName;

    private protected ScopedDockerProxy Proxy { get; private set; } = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() =>
        Proxy = await ScopedDockerProxy.StartAsync(
            new ProxyOptions { Upstream = new DockerEndpoint { Uri = new Uri("unix://" + Engine.SocketPath) }, SocketDirectory = Sockets },
            TestContext.Current.CancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Engine.DisposeAsync();
        Directory.Delete(Sockets, recursive: true);
        GC.SuppressFinalize(this);
    }

    private protected static Task<ForwardPlan> AuthorizeAsync(ProxyScope scope, string method, string target, byte[] body)
    {
        var canonical = RequestTargetParser.Parse(target);
        var route = RouteTable.Match(method, canonical.Segments) ?? throw new InvalidOperationException($"no route for {method} {target}");
        return new RequestAuthorizer(scope, scope.Proxy.Engine).AuthorizeAsync(method, canonical, route, body, TestContext.Current.CancellationToken);
    }
}
