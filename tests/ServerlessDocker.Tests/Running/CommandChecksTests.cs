namespace ServerlessDocker.Tests.Running;

public sealed class CommandChecksTests
{
    [Theory]
    [InlineData("busybox")]
    [InlineData("busybox:latest")]
    [InlineData("library/busybox:1.36.1")]
    [InlineData("172.30.213.1:5213/busybox:latest")]
    [InlineData("localhost/app")]
    [InlineData("registry.example:5000/team/my_app__x/api-v2:v2.0-rc1")]
    [InlineData("Registry.Example/team/app")]
    [InlineData("[::1]:5000/app")]
    [InlineData("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789ab")]
    public void ImageReference_Valid_Accepted(string reference)
    {
        Assert.True(ImageReference.TryValidate(reference, out var problem), problem);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("BAD//Image", "empty")]
    [InlineData("Busybox", "lowercase")]
    [InlineData("team/Busybox", "lowercase")]
    [InlineData("busybox:::x", "repository name component")]
    [InlineData("busybox:-x", "tag")]
    [InlineData("busy box", "white space")]
    [InlineData("busybox/", "empty")]
    [InlineData("busy..box", "component")]
    [InlineData("busybox@md5:12", "digest")]
    [InlineData("bad_host_.example/app", "registry")]
    public void ImageReference_Invalid_ProblemNamed(string reference, string expected)
    {
        Assert.False(ImageReference.TryValidate(reference, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadImage_ErrorNamesImage()
    {
        var ex = Assert.Throws<InvalidCommandException>(() => CommandChecks.Validate(TestCommands.Create("BAD//Image")));

        Assert.Equal("image", ex.Setting);
        Assert.Contains("'BAD//Image'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NulInArgument_Refused()
    {
        var ex = Assert.Throws<InvalidCommandException>(() => CommandChecks.Validate(TestCommands.Create("busybox", "echo", "a\0b")));

        Assert.Equal("argument 2", ex.Setting);
        Assert.Contains("NUL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NulInEnvironmentValue_RefusedNamingVariable()
    {
        var ex = Assert.Throws<InvalidCommandException>(() => CommandChecks.Validate(TestCommands.Create().WithEnvironment("TOKEN", "x\0y")));

        Assert.Equal("environment variable TOKEN", ex.Setting);
    }

    [Fact]
    public void Validate_NulInLabel_Refused()
    {
        Assert.Throws<InvalidCommandException>(() => CommandChecks.Validate(TestCommands.Create().WithLabel("team", "a\0")));
    }

    [Fact]
    public void Validate_PlainCommand_Passes()
    {
        CommandChecks.Validate(TestCommands.Create("busybox", "echo", "héllo", "").WithEnvironment("A", "").WithLabel("k", "v"));
    }

    [Fact]
    public void ExceptionMessage_Megabytes_CutInTheMiddleKeepingBothEnds()
    {
        var huge = "start " + new string('x', 5_000_000) + " end";

        var ex = new InvalidCommandException("argument 1", huge);

        Assert.True(ex.Message.Length <= ServerlessDockerException.MaxMessageLength, $"{ex.Message.Length} characters");
        Assert.StartsWith("argument 1: start ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(" end", ex.Message, StringComparison.Ordinal);
        Assert.Contains("characters cut", ex.Message, StringComparison.Ordinal);
    }
}
