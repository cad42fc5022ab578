namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>Threats doc, labels the proxy did not stamp: commit changes that would set the proxy's labels.</summary>
public sealed class AdversarialCommitTests(ProxyEnvironment environment)
{
    // pause=0: the attacker's container is shared with tests running in parallel, and a paused container refuses execs.
    private string NewRepo() => $"sdock-proxy-adv-commit-{environment.RunId}-{Guid.NewGuid():N}"[..44];

    [Theory(Timeout = 60000)]
    [InlineData("LABEL%09io.sdock.proxy.scope%3D{victim}")]
    [InlineData("LABEL%0Bio.sdock.proxy.scope.0%3D{victim}")]
    [InlineData("CMD%20true%0ALABEL%20io.sdock.proxy.scope%3D{victim}")]
    [InlineData("%23%20escape%3D%60%0AENV%20a%3Db%5C%0ALABEL%20io.sdock.proxy.scope%3D{victim}")]
    [InlineData("%C2%A0label%20io.sdock.proxy.scope%3D{victim}")]
    [InlineData("ONBUILD%20LABEL%20io.sdock.proxy.scope%3D{victim}")]
    public async Task Commit_ChangeSettingProxyLabel_403AndNoImage(string change)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var repo = NewRepo();

        var response = await RawHttp.SendAsync(t.Attacker.SocketPath, "POST", $"/v1.41/commit?container={t.AttackerContainer}&pause=0&repo={repo}&tag=latest&changes=CMD%20true&changes={change.Replace("{victim}", Uri.EscapeDataString(t.Victim.Path), StringComparison.Ordinal)}", "{}", cancellationToken: ct);

        Assert.True(response.Status == 403, response.ToString());
        Assert.NotEqual(0, (await DockerCli.RunAsync(ct, "image", "inspect", repo + ":latest")).ExitCode);
    }

    [Fact(Timeout = 60000)]
    public async Task Commit_WhitelistedChanges_ImageOwnedByCommitter()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var repo = NewRepo();
        try
        {
            var response = await RawHttp.SendAsync(t.Attacker.SocketPath, "POST", $"/v1.41/commit?container={t.AttackerContainer}&pause=0&repo={repo}&tag=latest&changes=ENV%09A%3D1&changes=CMD%20%5B%22true%22%5D", """{"Labels":{"app":"ok"}}""", cancellationToken: ct);
            var labels = await DockerCli.RunAsync(ct, "image", "inspect", "--format", $"{{{{index .Config.Labels \"{ScopeLabels.Scope}\"}}}} {{{{index .Config.Labels \"app\"}}}} {{{{json .Config.Env}}}}", repo + ":latest");

            Assert.True(response.Status == 201, response.ToString());
            Assert.StartsWith($"{t.Attacker.Path} ok ", labels.StandardOutput.Trim(), StringComparison.Ordinal);
            Assert.Contains("\"A=1\"", labels.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", repo + ":latest");
        }
    }
}
