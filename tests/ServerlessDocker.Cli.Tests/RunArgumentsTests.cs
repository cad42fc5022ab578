namespace ServerlessDocker.Cli.Tests;

public sealed class RunArgumentsTests
{
    [Fact(Timeout = 10000)]
    public void SeparateContainerArguments_OptionsAfterImage_BelongToTheContainer()
    {
        Assert.Equal(["run", "--", "busybox", "ls", "-l"], RunArguments.SeparateContainerArguments(["run", "busybox", "ls", "-l"]));
    }

    [Fact(Timeout = 10000)]
    public void SeparateContainerArguments_OptionValues_AreNotMistakenForTheImage()
    {
        string[] args = ["run", "-e", "A=1", "--timeout", "5s", "-i", "--network", "none", "img", "-x", "--timeout", "1"];

        Assert.Equal(
            ["run", "-e", "A=1", "--timeout", "5s", "-i", "--network", "none", "--", "img", "-x", "--timeout", "1"],
            RunArguments.SeparateContainerArguments(args));
    }

    [Fact(Timeout = 10000)]
    public void SeparateContainerArguments_OptionWithEquals_TakesNoSeparateValue()
    {
        Assert.Equal(["run", "--timeout=5s", "--", "img", "a"], RunArguments.SeparateContainerArguments(["run", "--timeout=5s", "img", "a"]));
    }

    [Theory(Timeout = 10000)]
    [InlineData("ps")]
    [InlineData("run --")]
    [InlineData("run -- img -x")]
    [InlineData("run -i")]
    [InlineData("logs run")]
    public void SeparateContainerArguments_NothingToSeparate_ReturnsArgumentsUnchanged(string line)
    {
        var args = line.Split(' ');

        Assert.Equal(args, RunArguments.SeparateContainerArguments(args));
    }
}
