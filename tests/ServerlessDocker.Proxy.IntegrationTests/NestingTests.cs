namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// Nesting end to end: a function container given scoped access starts a child through the socket mounted
/// in it, the child starts a grandchild; visibility holds in every direction, quotas count the subtree, and
/// removing the function removes its scope and what its subtree left behind.
/// </summary>
public sealed class NestingTests(ProxyEnvironment environment)
{
    private const string ClientImage = "sdock-test/proxy-docker-client:latest";

    [Fact(Timeout = 180000)]
    public async Task FunctionChildGrandchild_VisibilityQuotasAndCleanup_Hold()
    {
        var ct = TestContext.Current.CancellationToken;
        var image = await DockerCli.RunAsync(ct, "image", "inspect", ClientImage);
        Assert.True(image.ExitCode == 0, $"{ClientImage} is missing: scripts/images builds it from tests/images/proxy-docker-client (its `prepare` copies the docker CLI). {image}");
        await using var parent = await environment.CreateScopeAsync("nest", ProxyPolicy.Default with { Quota = new ScopeQuota { MaxContainers = 4 } });
        var id = Guid.NewGuid().ToString("N")[..8];

        async Task<ProcessResult> Through(ProxyScope scope, params string[] args) => await DockerCli.ThroughAsync(scope, ct, args);
        async Task<string> Ok(Task<ProcessResult> run, string what)
        {
            var r = await run;
            Assert.True(r.ExitCode == 0, $"{what}: {r}");
            return r.StandardOutput.Trim();
        }

        // The parent starts two functions, each with its own child scope.
        var fn = await Ok(Through(parent, "run", "-d", "--name", $"fn-{id}", "--label", "io.sdock.docker-access=scoped", ClientImage), "start fn");
        var sibling = await Ok(Through(parent, "run", "-d", "--name", $"sib-{id}", "--label", "io.sdock.docker-access=scoped", ClientImage), "start sibling");
        var fnScope = Assert.Single(parent.Children, c => c.Path == Label(fn, "io.sdock.proxy.child-scope", ct).Result);

        // Inside the function: its own docker CLI, through the mounted socket, starts a child that itself gets scoped access.
        var child = await Ok(Through(parent, "exec", fn, "docker", "run", "-d", "--name", $"child-{id}", "--label", "io.sdock.docker-access=scoped", ClientImage), "fn starts child");
        var grandchild = await Ok(Through(parent, "exec", child, "docker", "run", "-d", "--name", $"grandchild-{id}", "busybox", "sleep", "600"), "child starts grandchild");

        // Visibility: the parent sees its whole subtree; each scope sees its descendants only.
        var parentSees = await Ok(Through(parent, "ps", "-q", "--no-trunc"), "parent ps");
        var fnSees = await Ok(Through(parent, "exec", fn, "docker", "ps", "-aq", "--no-trunc"), "fn ps");
        var childSees = await Ok(Through(parent, "exec", child, "docker", "ps", "-aq", "--no-trunc"), "child ps");
        var siblingSees = await Ok(Through(parent, "exec", sibling, "docker", "ps", "-aq", "--no-trunc"), "sibling ps");
        Assert.All(new[] { fn, sibling, child, grandchild }, c => Assert.Contains(c, parentSees, StringComparison.Ordinal));
        Assert.Equal(new[] { child, grandchild }.Order(), fnSees.Split('\n').Order());
        Assert.Equal(grandchild, childSees);
        Assert.Equal(string.Empty, siblingSees);

        // Siblings never reach each other's subtree; a child never reaches its parent's objects.
        var siblingKill = await Through(parent, "exec", sibling, "docker", "kill", grandchild);
        var childInspectFn = await Through(parent, "exec", child, "docker", "inspect", fn);
        var childInspectSelf = await Through(parent, "exec", child, "docker", "inspect", child);
        Assert.Contains("No such container", siblingKill.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, childInspectFn.ExitCode);
        Assert.NotEqual(0, childInspectSelf.ExitCode);
        Assert.Equal("running", await DockerCli.StateAsync(grandchild, ct));

        // Quota: the parent allows 4 containers in its subtree; a 5th, even two levels down, is refused.
        var fifth = await Through(parent, "exec", child, "docker", "create", "busybox", "true");
        Assert.NotEqual(0, fifth.ExitCode);
        Assert.Contains("quota", fifth.StandardError, StringComparison.Ordinal);
        Assert.Equal(4, (await DockerCli.ContainersOfAsync(parent, ct)).Count);

        // Removing the function removes its scope, its socket and its subtree's leftovers.
        await Ok(Through(parent, "rm", "-f", fn), "remove fn");
        for (var i = 0; i < 200 && (File.Exists(fnScope.SocketPath) || await DockerCli.StateAsync(grandchild, ct) is not null || await DockerCli.StateAsync(child, ct) is not null); i++)
        {
            await Task.Delay(100, ct);
        }

        Assert.False(File.Exists(fnScope.SocketPath), "the function's scope socket survived it");
        Assert.Null(await DockerCli.StateAsync(child, ct));
        Assert.Null(await DockerCli.StateAsync(grandchild, ct));
        Assert.Equal("running", await DockerCli.StateAsync(sibling, ct));
    }

    private static async Task<string> Label(string container, string label, CancellationToken ct) =>
        (await DockerCli.RunAsync(ct, "inspect", "--format", $"{{{{index .Config.Labels \"{label}\"}}}}", container)).StandardOutput.Trim();
}
