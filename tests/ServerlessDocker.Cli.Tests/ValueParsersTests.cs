namespace ServerlessDocker.Cli.Tests;

public sealed class ValueParsersTests
{
    [Theory(Timeout = 10000)]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("10", 10_000)]
    [InlineData("1.5", 1_500)]
    [InlineData(" 5s ", 5_000)]
    [InlineData("10 s", 10_000)]
    public void Duration_ValidText_ParsesMilliseconds(string text, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ValueParsers.Duration("--timeout", text));
    }

    [Theory(Timeout = 10000)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("-5")]
    [InlineData("5x")]
    [InlineData("s")]
    [InlineData("1m30")]
    [InlineData("1e400")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("99999999999h")]
    public void Duration_InvalidText_ThrowsNamingTheOption(string text)
    {
        var ex = Assert.Throws<InvalidCommandException>(() => ValueParsers.Duration("--timeout", text));

        Assert.Equal("--timeout", ex.Setting);
        Assert.Contains("30s", ex.Message);
    }

    [Theory(Timeout = 10000)]
    [InlineData("64m", 64L * 1024 * 1024)]
    [InlineData("64M", 64L * 1024 * 1024)]
    [InlineData("64mb", 64L * 1024 * 1024)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("1g", 1024L * 1024 * 1024)]
    [InlineData("1.5g", 1536L * 1024 * 1024)]
    [InlineData("1048576", 1048576)]
    public void Size_ValidText_ParsesBytes(string text, long bytes)
    {
        Assert.Equal(bytes, ValueParsers.Size("--memory", text));
    }

    [Theory(Timeout = 10000)]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("-1m")]
    [InlineData("m")]
    [InlineData("")]
    [InlineData("1e30")]
    [InlineData("Infinity")]
    [InlineData("0.1")]
    public void Size_InvalidText_ThrowsNamingTheOption(string text)
    {
        var ex = Assert.Throws<InvalidCommandException>(() => ValueParsers.Size("--memory", text));

        Assert.Equal("--memory", ex.Setting);
    }

    [Theory(Timeout = 10000)]
    [InlineData("A=B", "A", "B")]
    [InlineData("A=", "A", "")]
    [InlineData("A=B=C", "A", "B=C")]
    public void KeyValue_Pair_SplitsAtTheFirstEquals(string text, string key, string value)
    {
        Assert.Equal(new KeyValuePair<string, string>(key, value), ValueParsers.KeyValue("--env", text, fromEnvironment: true));
    }

    [Fact(Timeout = 10000)]
    public void KeyValue_BareNameFromEnvironment_TakesSdocksOwnValue()
    {
        var name = "SDOCK_UNIT_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-env");
        try
        {
            Assert.Equal("from-env", ValueParsers.KeyValue("--env", name, fromEnvironment: true).Value);
            Assert.Equal("", ValueParsers.KeyValue("--label", name, fromEnvironment: false).Value);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Theory(Timeout = 10000)]
    [InlineData("")]
    [InlineData("=value")]
    public void KeyValue_NoName_ThrowsNamingTheOption(string text)
    {
        var ex = Assert.Throws<InvalidCommandException>(() => ValueParsers.KeyValue("--env", text, fromEnvironment: false));

        Assert.Equal("--env", ex.Setting);
    }

    [Theory(Timeout = 10000)]
    [InlineData("0.5", 0.5)]
    [InlineData("2", 2)]
    [InlineData("0.01", 0.01)]
    public void Cpus_ValidText_Parses(string text, double cpus)
    {
        Assert.Equal(cpus, ValueParsers.Cpus("--cpus", text));
    }

    [Theory(Timeout = 10000)]
    [InlineData("0.0000000001")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1e30")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("two")]
    public void Cpus_InvalidText_ThrowsNamingTheOptionAndValue(string text)
    {
        var ex = Assert.Throws<InvalidCommandException>(() => ValueParsers.Cpus("--cpus", text));

        Assert.Equal("--cpus", ex.Setting);
        Assert.Contains($"'{text}'", ex.Message);
    }
}
