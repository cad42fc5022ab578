using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests;

public sealed class WarmConfigTests
{
    [Fact]
    public void Warm_Mapping_ReadIntoPoolOptions()
    {
        var config = GatewayConfigLoader.Parse("functions:\n  f:\n    image: x\n    warm:\n      min: 2\n      max: 8\n      idleTimeout: 1m30s\n      maxCalls: 50\n");

        var warm = config.Functions["f"].Warm!;

        Assert.Equal((2, 8, TimeSpan.FromSeconds(90), 50), (warm.Min, warm.Max, warm.IdleTimeout, warm.MaxCalls));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Warm_Boolean_DefaultsOrCold(string value, bool warm)
    {
        var config = GatewayConfigLoader.Parse($"functions:\n  f:\n    image: x\n    warm: {value}\n");

        Assert.Equal(warm, config.Functions["f"].Warm is not null);
    }

    [Theory]
    [InlineData("    warm:\n      min: 5\n      max: 2\n", "functions.yaml:5:", "min (5) is above max (2)")]
    [InlineData("    warm:\n      maxCalls: 0\n", "functions.yaml:5:", "maxCalls")]
    [InlineData("    warm:\n      size: 3\n", "functions.yaml:5:", "size")]
    [InlineData("    backend: swarm\n    warm: true\n", "functions.yaml:5:", "needs the local backend")]
    [InlineData("    warm: true\n    dockerAccess: scoped\n", "functions.yaml:4:", "do not go together")]
    public void Warm_Invalid_ErrorNamesLineAndWhatToDo(string lines, string at, string expected)
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse("functions:\n  f:\n    image: x\n" + lines, "functions.yaml"));

        Assert.StartsWith(at, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
