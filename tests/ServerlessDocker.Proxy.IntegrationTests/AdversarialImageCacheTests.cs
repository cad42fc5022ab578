namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// The creates' image look-up cache never lets a reference keep a meaning it lost: a retag through the proxy and
/// a retag straight at the engine are both seen by the next create. What reached the engine is asserted.
/// </summary>
public sealed class AdversarialImageCacheTests(ProxyEnvironment environment)
{
    private const string CreateBody = """{"Image":"{image}","Cmd":["true"],"HostConfig":{"Memory":67108864}}""";

    private async Task<RawResponse> CreateAsync(ProxyScope scope, string name, string image, CancellationToken ct) =>
        await RawHttp.SendAsync(scope.SocketPath, "POST", $"/v1.41/containers/create?name={name}", CreateBody.Replace("{image}", image, StringComparison.Ordinal), cancellationToken: ct);

    private string NewName(string kind) => $"adv-cache-{kind}-{environment.RunId}-{Guid.NewGuid():N}"[..40];

    [Fact(Timeout = 120000)]
    public async Task Create_AfterTheNameIsRetaggedToAnotherScopesImageThroughTheProxy_IsNotFound()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var owner = await environment.CreateScopeAsync("cache-owner");
        await using var other = await environment.CreateScopeAsync("cache-other");
        var reference = $"sdock-adv-cache-{environment.RunId}-{Guid.NewGuid():N}"[..40] + ":latest";
        var otherImage = $"sdock-adv-cache-other-{environment.RunId}-{Guid.NewGuid():N}"[..44] + ":latest";
        var context = Directory.CreateTempSubdirectory("sdock-adv-cache");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context.FullName, "Dockerfile"), "FROM busybox\nCMD [\"true\"]\n", ct);
            Assert.Equal(0, (await DockerCli.ThroughAsync(owner, ct, ["build", "-q", "-t", reference, context.FullName])).ExitCode);
            await File.WriteAllTextAsync(Path.Combine(context.FullName, "Dockerfile"), "FROM busybox\nCMD [\"echo\", \"other\"]\n", ct);
            Assert.Equal(0, (await DockerCli.ThroughAsync(other, ct, ["build", "-q", "-t", otherImage, context.FullName])).ExitCode);

            // The owner's create fills the cache with "owned by the owner".
            var first = NewName("a");
            Assert.Equal(201, (await CreateAsync(owner, first, reference, ct)).Status);

            // The name is freed and taken by the other scope, both through the proxy, then used again at once.
            Assert.Equal(0, (await DockerCli.ThroughAsync(owner, ct, ["rm", first])).ExitCode);
            Assert.Equal(0, (await DockerCli.ThroughAsync(owner, ct, ["rmi", reference])).ExitCode);
            Assert.Equal(0, (await DockerCli.ThroughAsync(other, ct, ["tag", otherImage, reference])).ExitCode);
            var second = NewName("b");
            var response = await CreateAsync(owner, second, reference, ct);

            Assert.True(response.Status == 404, $"expected 404 for another scope's image, got {response}");
            Assert.False(await DockerCli.ContainerNamedExistsAsync(second, ct), "a container of the other scope's image reached the engine");
        }
        finally
        {
            context.Delete(recursive: true);
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", reference, otherImage);
        }
    }

    [Fact(Timeout = 120000)]
    public async Task Create_AfterTheNameIsRetaggedStraightAtTheEngine_SeesTheNewImage()
    {
        // A change the proxy did not forward (the host's docker CLI) reaches it as an image event.
        var ct = TestContext.Current.CancellationToken;
        var tenants = await environment.GetTenantsAsync(ct);
        await using var tenant = await environment.CreateScopeAsync("cache-tenant");
        var reference = $"sdock-adv-cache-oob-{environment.RunId}-{Guid.NewGuid():N}"[..44] + ":latest";
        try
        {
            Assert.Equal(0, (await DockerCli.RunAsync(ct, "tag", "busybox", reference)).ExitCode);
            var first = NewName("c");
            Assert.Equal(201, (await CreateAsync(tenant, first, reference, ct)).Status);

            var generation = environment.Proxy.Engine.Images.Generation;
            Assert.Equal(0, (await DockerCli.RunAsync(ct, "tag", tenants.VictimImage, reference)).ExitCode);
            // The tag's event reaches the proxy in milliseconds, well inside the entry's 10 s lifetime, which
            // would otherwise serve the old answer; wait for the invalidation, not for a fixed time.
            await Eventually.TrueAsync(() => Task.FromResult(environment.Proxy.Engine.Images.Generation > generation), "the image event to clear the proxy's image cache", TimeSpan.FromSeconds(5), ct);
            var second = NewName("d");
            var response = await CreateAsync(tenant, second, reference, ct);

            Assert.True(response.Status == 404, $"expected 404 for the victim's image under the old name, got {response}");
            Assert.False(await DockerCli.ContainerNamedExistsAsync(second, ct), "a container of the victim's image reached the engine");
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", reference);
        }
    }
}
