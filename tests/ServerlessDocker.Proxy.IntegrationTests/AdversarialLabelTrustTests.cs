namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// Threats doc, labels the proxy did not stamp: a destroy event of a container that merely carries
/// <c>io.sdock.proxy.child-scope</c> (from a Dockerfile LABEL, on a build's intermediate container or inherited by a
/// run) must not remove that child scope; only the holder container the proxy created and recorded does.
/// </summary>
public sealed class AdversarialLabelTrustTests(ProxyEnvironment environment)
{
    [Fact(Timeout = 180000)]
    public async Task ForgedChildScopeLabel_DestroyEvents_ChildScopeSurvivesUntilItsRealHolderGoes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var owner = await environment.CreateScopeAsync("holder");
        await using var forger = await environment.CreateScopeAsync("forger");
        var id = Guid.NewGuid().ToString("N")[..8];
        var tag = $"sdock-proxy-forged-{environment.RunId}-{id}:latest";
        var dir = Directory.CreateTempSubdirectory("sdock-forge");
        try
        {
            var holder = await DockerCli.ThroughAsync(owner, ct, ["run", "-d", "--label", "io.sdock.docker-access=scoped", "busybox", "sleep", "600"]);
            Assert.True(holder.ExitCode == 0, holder.ToString());
            var holderId = holder.StandardOutput.Trim();
            var child = Assert.Single(owner.Children);
            Assert.True(File.Exists(child.SocketPath));

            // The forger builds (RUN makes an intermediate container carrying the label) and runs (the container inherits it).
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "Dockerfile"), $"FROM busybox\nLABEL io.sdock.proxy.child-scope={child.Path}\nRUN true\n", ct);
            var build = await DockerCli.ThroughAsync(forger, ct, ["build", "-t", tag, dir.FullName]);
            Assert.True(build.ExitCode == 0, build.ToString());
            var run = await DockerCli.ThroughAsync(forger, ct, ["run", "--rm", tag, "true"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            await Task.Delay(TimeSpan.FromSeconds(3), ct);

            Assert.Contains(child, owner.Children);
            Assert.True(File.Exists(child.SocketPath), "a forged label's destroy event removed another scope's socket");
            Assert.Equal("running", await DockerCli.StateAsync(holderId, ct));

            // The real holder still removes its scope.
            var rm = await DockerCli.ThroughAsync(owner, ct, ["rm", "-f", holderId]);
            Assert.True(rm.ExitCode == 0, rm.ToString());
            for (var i = 0; i < 100 && File.Exists(child.SocketPath); i++)
            {
                await Task.Delay(100, ct);
            }

            Assert.False(File.Exists(child.SocketPath), "the holder's destroy event did not remove its child scope");
            Assert.Empty(owner.Children);
        }
        finally
        {
            dir.Delete(recursive: true);
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", tag);
        }
    }
}
