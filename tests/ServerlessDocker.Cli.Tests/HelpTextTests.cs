namespace ServerlessDocker.Cli.Tests;

public sealed class HelpTextTests
{
    [Theory]
    [InlineData("  sdock run <IMAGE> [<ARG>...] [options]", "  sdock run [OPTIONS] IMAGE [ARG...]")]
    [InlineData("  sdock logs <ID> [options]", "  sdock logs [OPTIONS] ID")]
    [InlineData("  sdock [command] [options]", "  sdock [OPTIONS] COMMAND")]
    [InlineData("  sdock ps [options]", "  sdock ps [OPTIONS]")]
    [InlineData("  sdock prune", "  sdock prune")]
    public void UsageLine_SystemCommandLineForm_BecomesDockers(string line, string expected)
    {
        Assert.Equal(expected, HelpText.UsageLine(line));
    }

    [Fact]
    public void WithDockerUsage_OnlyTheUsageSectionChanges()
    {
        const string help = "Description:\n  Run <this>.\n\nUsage:\n  sdock run <IMAGE> [<ARG>...] [options]\n\nArguments:\n  <IMAGE>  The image [options].\n";

        var rewritten = HelpText.WithDockerUsage(help);

        Assert.Equal("Description:\n  Run <this>.\n\nUsage:\n  sdock run [OPTIONS] IMAGE [ARG...]\n\nArguments:\n  <IMAGE>  The image [options].\n", rewritten);
    }
}
