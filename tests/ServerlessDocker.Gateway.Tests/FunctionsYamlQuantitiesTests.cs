using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests;

/// <summary>functions.yaml reads durations and sizes with the core grammar, like the CLI.</summary>
public sealed class FunctionsYamlQuantitiesTests
{
    [Fact(Timeout = 10000)]
    public void Parse_CompoundDurationAndDecimalSize_ReadLikeTheCli()
    {
        var config = GatewayConfigLoader.Parse("functions:\n  f:\n    image: x\n    timeout: 1m30s\n    memory: 1.5g\n");

        Assert.Equal(TimeSpan.FromSeconds(90), config.Functions["f"].Timeout);
        Assert.Equal(1536L * 1024 * 1024, config.Functions["f"].MemoryBytes);
    }

    [Theory(Timeout = 10000)]
    [InlineData("timeout: 99999999999h")]
    [InlineData("timeout: 1e400")]
    [InlineData("memory: 1e30")]
    public void Parse_AbsurdQuantity_Rejected(string line)
    {
        Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse($"functions:\n  f:\n    image: x\n    {line}\n"));
    }
}
