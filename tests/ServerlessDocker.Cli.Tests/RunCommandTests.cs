using ServerlessDocker.Cli.Commands;

namespace ServerlessDocker.Cli.Tests;

public sealed class RunCommandTests
{
    [Theory(Timeout = 10000)]
    [InlineData("missing", PullPolicy.Missing)]
    [InlineData("ALWAYS", PullPolicy.Always)]
    [InlineData("never", PullPolicy.Never)]
    public void ParsePull_KnownPolicy_Maps(string text, PullPolicy policy)
    {
        Assert.Equal(policy, RunCommand.ParsePull(text));
    }

    [Fact(Timeout = 10000)]
    public void ParsePull_UnknownPolicy_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<InvalidCommandException>(() => RunCommand.ParsePull("sometimes"));

        Assert.Equal("--pull", ex.Setting);
        Assert.Contains("missing, always or never", ex.Message);
    }

    [Fact(Timeout = 10000)]
    public void ParseVolume_HostPathReadOnly_IsABindMount()
    {
        Assert.Equal(ContainerMount.Bind("/srv/data", "/data", readOnly: true), RunCommand.ParseVolume("/srv/data:/data:ro"));
    }

    [Fact(Timeout = 10000)]
    public void ParseVolume_RelativeHostPath_IsResolvedToAnAbsoluteBind()
    {
        var mount = RunCommand.ParseVolume("./data:/data");

        Assert.Equal("bind", mount.Type);
        Assert.Equal(Path.GetFullPath("./data"), mount.Source);
        Assert.False(mount.ReadOnly);
    }

    [Fact(Timeout = 10000)]
    public void ParseVolume_Name_IsAVolumeMount()
    {
        Assert.Equal(ContainerMount.Volume("cache", "/cache"), RunCommand.ParseVolume("cache:/cache:rw"));
    }

    [Theory(Timeout = 10000)]
    [InlineData("onlyone")]
    [InlineData(":/data")]
    [InlineData("/a:")]
    [InlineData("/a:/b:xx")]
    [InlineData("/a:/b:ro:extra")]
    public void ParseVolume_Malformed_ThrowsNamingTheOption(string text)
    {
        Assert.Equal("--volume", Assert.Throws<InvalidCommandException>(() => RunCommand.ParseVolume(text)).Setting);
    }
}
