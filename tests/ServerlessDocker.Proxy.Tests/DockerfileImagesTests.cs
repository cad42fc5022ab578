using ServerlessDocker.Proxy.Authorization;

namespace ServerlessDocker.Proxy.Tests;

public sealed class DockerfileImagesTests
{
    private static readonly Dictionary<string, string?> NoArgs = [];

    private static IReadOnlyList<string> Images(string dockerfile, Dictionary<string, string?>? args = null) =>
        DockerfileImages.Parse(dockerfile, args ?? NoArgs);

    [Theory]
    [InlineData("FROM busybox\n", "busybox")]
    [InlineData("from  busybox:1.36  as  Base\nFROM base\n", "busybox:1.36")]
    [InlineData("FROM --platform=$BUILDPLATFORM registry.example:5000/team/app@sha256:abc AS x\n", "registry.example:5000/team/app@sha256:abc")]
    [InlineData("ARG BASE=busybox\nFROM $BASE\n", "busybox")]
    [InlineData("ARG V=1.36\nARG BASE=busybox:${V}\nFROM ${BASE}\n", "busybox:1.36")]
    [InlineData("ARG BASE\nFROM ${BASE:-debian}\n", "debian")]
    [InlineData("ARG BASE=x\nFROM ${BASE:+alpine}\n", "alpine")]
    [InlineData("FROM \"busybox\"\n", "busybox")]
    [InlineData("# escape=`\nFROM `\n  busybox\n", "busybox")]
    [InlineData("FROM \\\n# a comment in a continuation\n  busybox\n", "busybox")]
    [InlineData("FROM busybox\r\nCMD [\"x\"]\r\n", "busybox")]
    public void Parse_OneBaseImage(string dockerfile, string expected)
    {
        Assert.Equal([expected], Images(dockerfile));
    }

    [Fact]
    public void Parse_Stages_ScratchAndStageReferencesAreNotImages()
    {
        const string dockerfile = "FROM busybox AS build\nFROM scratch\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nCOPY --chown=1:1 --from=debian:12 /c /c\nFROM build\n";

        Assert.Equal(["busybox", "debian:12"], Images(dockerfile));
    }

    [Fact]
    public void Parse_BuildArgOverridesTheMetaArgDefault()
    {
        Assert.Equal(["victim:latest"], Images("ARG BASE=busybox\nFROM $BASE\n", new() { ["BASE"] = "victim:latest" }));
    }

    [Fact]
    public void Parse_ArgAfterTheFirstFrom_DoesNotChangeLaterFroms()
    {
        // The engine substitutes FROM only with the ARGs declared before the first FROM.
        Assert.Equal(["busybox", "debian"], Images("ARG B=busybox\nFROM $B\nARG B=alpine\nFROM debian\n"));
    }

    [Theory]
    [InlineData("FROM $UNSET\n", "names no image")]
    [InlineData("FROM ${BASE/a/b}\n", "variable form")]
    [InlineData("FROM ${BASE:?required}\n", "variable form")]
    [InlineData("FROM a b\n", "FROM [--platform=...] IMAGE [AS NAME]")]
    [InlineData("FROM busybox\nCOPY --from=$X /a /a\n", "--from")]
    [InlineData("# escape=x\nFROM busybox\n", "escape directive")]
    [InlineData("FROM bus$\n", "'$'")]
    public void Parse_WhatTheProxyCannotEvaluate_Refused(string dockerfile, string expected)
    {
        var ex = Assert.Throws<RequestRejectedException>(() => Images(dockerfile));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}

public sealed class BuildContextTests
{
    private static MemoryStream Tar(params (string Name, string Text)[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(stream, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
                });
            }
        }

        stream.Position = 0;
        return stream;
    }

    [Fact]
    public async Task ReadDockerfile_TheLastEntryOfAPathWins_AsExtractionOverwrites()
    {
        using var context = Tar(("Dockerfile", "FROM busybox\n"), ("./Dockerfile", "FROM victim\n"));

        Assert.Equal("FROM victim\n", await BuildContext.ReadDockerfileAsync(context, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadDockerfile_LowercaseFallbackAndANamedPath()
    {
        using var lower = Tar(("dockerfile", "FROM a\n"));
        using var named = Tar(("Dockerfile", "FROM a\n"), ("sub/App.dockerfile", "FROM b\n"));

        Assert.Equal("FROM a\n", await BuildContext.ReadDockerfileAsync(lower, null, TestContext.Current.CancellationToken));
        Assert.Equal("FROM b\n", await BuildContext.ReadDockerfileAsync(named, "./sub/App.dockerfile", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadDockerfile_NoneInTheContext_400()
    {
        using var context = Tar(("README", "x"));

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(() => BuildContext.ReadDockerfileAsync(context, null, TestContext.Current.CancellationToken));

        Assert.Equal(400, ex.StatusCode);
    }
}
