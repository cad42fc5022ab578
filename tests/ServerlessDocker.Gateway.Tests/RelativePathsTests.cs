using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests;

/// <summary>Relative paths in functions.yaml are relative to the file, as in a compose file, not to the gateway's
/// working directory.</summary>
public sealed class RelativePathsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-paths-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 10000)]
    public async Task LoadFile_ScopedPolicyAndBindSources_ResolveAgainstTheFilesDirectory()
    {
        Assert.NotEqual(_dir, Directory.GetCurrentDirectory());  // the premise: the file is elsewhere
        Directory.CreateDirectory(Path.Combine(_dir, "policies"));
        File.WriteAllText(Path.Combine(_dir, "policies", "p.yaml"), "allowPull: false\n");
        var file = Path.Combine(_dir, "functions.yaml");
        File.WriteAllText(file, """
            functions:
              f:
                image: busybox
                dockerAccess: scoped:policies/p.yaml
            jobs:
              j:
                schedule: "@every 2s"
                image: busybox
                volumes: ["./out:/out", "../up:/up:ro", "named:/data"]
            """);

        var config = await GatewayConfigLoader.LoadFileAsync(file, TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_dir, "policies", "p.yaml"), config.Functions["f"].DockerAccessPolicyPath);
        var mounts = config.Jobs["j"].Volumes;
        Assert.Equal(Path.Combine(_dir, "out"), mounts[0].Source);
        Assert.Equal(Path.GetFullPath(Path.Combine(_dir, "..", "up")), mounts[1].Source);
        Assert.Equal("named", mounts[2].Source);
    }

    [Fact(Timeout = 10000)]
    public async Task LoadFile_MissingPolicy_NamesThePathUnderTheFilesDirectory()
    {
        var file = Path.Combine(_dir, "functions.yaml");
        File.WriteAllText(file, "functions:\n  f:\n    image: busybox\n    dockerAccess: scoped:nope.yaml\n");

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayConfigLoader.LoadFileAsync(file, TestContext.Current.CancellationToken));

        Assert.Contains(Path.Combine(_dir, "nope.yaml"), ex.Message, StringComparison.Ordinal);
    }
}
