namespace ServerlessDocker.Tests;

public sealed class QuantitiesTests
{
    [Theory(Timeout = 10000)]
    [InlineData("30s", 30_000d)]
    [InlineData("1m30s", 90_000d)]
    [InlineData("500ms", 500d)]
    [InlineData("2h", 7_200_000d)]
    [InlineData("1.5s", 1_500d)]
    [InlineData("1h2m3s4ms", 3_723_004d)]
    [InlineData("10", 10_000d)]
    [InlineData("2.5", 2_500d)]
    [InlineData(".5s", 500d)]
    [InlineData("1e3ms", 1_000d)]
    [InlineData("10 s", 10_000d)]
    [InlineData("10S", 10_000d)]
    [InlineData("1m 30s", 90_000d)]
    [InlineData("250us", 0.25d)]
    [InlineData("0", 0d)]
    [InlineData("0s", 0d)]
    public void TryParseDuration_AcceptedForms_Parse(string text, double milliseconds)
    {
        Assert.True(Quantities.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory(Timeout = 10000)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("-5")]
    [InlineData("+5s")]
    [InlineData("1m30")]
    [InlineData("1..5s")]
    [InlineData("1.2.3s")]
    [InlineData("1e")]
    [InlineData("1e400")]
    [InlineData("1e400s")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("∞")]
    [InlineData("99999999999h")]
    [InlineData("1ns")]
    [InlineData("5 s s")]
    public void TryParseDuration_InvalidOrAbsurd_FalseWithProblemNamingTextAndForms(string text)
    {
        Assert.False(Quantities.TryParseDuration(text, out _, out var problem));
        Assert.Contains($"'{text}'", problem);
        Assert.Contains("1m30s", problem);
    }

    [Fact(Timeout = 10000)]
    public void ParseDuration_Overflow_ThrowsNamingSettingAndValue()
    {
        var ex = Assert.Throws<InvalidCommandException>(() => Quantities.ParseDuration("timeout", "99999999999h"));

        Assert.Equal("timeout", ex.Setting);
        Assert.Contains("99999999999h", ex.Message);
        Assert.Contains("too long", ex.Message);
    }

    [Theory(Timeout = 10000)]
    [InlineData("512", 512L)]
    [InlineData("512b", 512L)]
    [InlineData("64k", 64L * 1024)]
    [InlineData("64K", 64L * 1024)]
    [InlineData("64kb", 64L * 1024)]
    [InlineData("64KiB", 64L * 1024)]
    [InlineData("1MiB", 1024L * 1024)]
    [InlineData("128m", 128L * 1024 * 1024)]
    [InlineData("1.5g", 1536L * 1024 * 1024)]
    [InlineData("1GB", 1024L * 1024 * 1024)]
    [InlineData("1gib", 1024L * 1024 * 1024)]
    [InlineData("2t", 2L * 1024 * 1024 * 1024 * 1024)]
    [InlineData("10 m", 10L * 1024 * 1024)]
    [InlineData(" 1g ", 1024L * 1024 * 1024)]
    [InlineData("1e3", 1000L)]
    [InlineData("0", 0L)]
    public void TryParseSize_AcceptedForms_ParseBytes(string text, long bytes)
    {
        Assert.True(Quantities.TryParseSize(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory(Timeout = 10000)]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("m")]
    [InlineData("-1m")]
    [InlineData("1x")]
    [InlineData("1 g b")]
    [InlineData("1e30")]
    [InlineData("1e400")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("9999999999t")]
    [InlineData("0.5")]
    public void TryParseSize_InvalidOrAbsurd_FalseWithProblemNamingTextAndForms(string text)
    {
        Assert.False(Quantities.TryParseSize(text, out _, out var problem));
        Assert.Contains($"'{text}'", problem);
        Assert.Contains("64k", problem);
    }

    [Fact(Timeout = 10000)]
    public void TryParseSize_LargestValue_Accepted()
    {
        Assert.True(Quantities.TryParseSize("7t", out var value));
        Assert.Equal(7L * 1024 * 1024 * 1024 * 1024, value);
        Assert.True(Quantities.TryParseSize("8388607t", out var big));
        Assert.Equal(8388607L * 1024 * 1024 * 1024 * 1024, big);
    }

    [Fact(Timeout = 10000)]
    public void ParseSize_Overflow_ThrowsNamingSettingAndValue()
    {
        var ex = Assert.Throws<InvalidCommandException>(() => Quantities.ParseSize("--memory", "1e30"));

        Assert.Equal("--memory", ex.Setting);
        Assert.Contains("1e30", ex.Message);
        Assert.Contains("too large", ex.Message);
    }

    [Theory(Timeout = 10000)]
    [InlineData("0.01", 0.01)]
    [InlineData("0.5", 0.5)]
    [InlineData("2", 2d)]
    [InlineData("1000000", 1_000_000d)]
    public void TryParseCpus_InRange_Parses(string text, double cpus)
    {
        Assert.True(Quantities.TryParseCpus(text, out var value, out _));
        Assert.Equal(cpus, value);
    }

    [Theory(Timeout = 10000)]
    [InlineData("0.0000000001")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1e30")]
    [InlineData("1e400")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("2 cpus")]
    public void TryParseCpus_OutOfRangeOrMalformed_FalseNamingTheText(string text)
    {
        Assert.False(Quantities.TryParseCpus(text, out _, out var problem));
        Assert.Contains($"'{text}'", problem);
    }
}
