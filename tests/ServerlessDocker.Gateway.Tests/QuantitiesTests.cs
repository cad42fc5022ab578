using ServerlessDocker.Gateway.Hosting;

namespace ServerlessDocker.Gateway.Tests;

public sealed class QuantitiesTests
{
    [Theory(Timeout = 10000)]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("3", 3_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("10 s", 10_000)]
    public void TryParseDuration_Valid_Parsed(string text, double ms)
    {
        Assert.True(Quantities.TryParseDuration(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory(Timeout = 10000)]
    [InlineData("512k", 512 * 1024)]
    [InlineData("10m", 10 * 1024 * 1024)]
    [InlineData("1GiB", 1024L * 1024 * 1024)]
    [InlineData("100", 100)]
    [InlineData("1.5g", 1536L * 1024 * 1024)]
    [InlineData("1GB", 1024L * 1024 * 1024)]
    public void TryParseSize_Valid_Parsed(string text, long bytes)
    {
        Assert.True(Quantities.TryParseSize(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory(Timeout = 10000)]
    [InlineData("1e30")]
    [InlineData("NaN")]
    [InlineData("lots")]
    public void TryParseSize_InvalidOrAbsurd_FalseWithProblemNamingTheValue(string text)
    {
        Assert.False(Quantities.TryParseSize(text, out _, out var problem));
        Assert.Contains(text, problem);
    }

    [Theory(Timeout = 10000)]
    [InlineData("soon")]
    [InlineData("10 parsecs")]
    [InlineData("-1s")]
    [InlineData("1e400")]
    [InlineData("Infinity")]
    [InlineData("99999999999h")]
    public void TryParseDuration_Invalid_False(string text) => Assert.False(Quantities.TryParseDuration(text, out _));

    [Theory(Timeout = 10000)]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData(":9000", "http://0.0.0.0:9000")]
    [InlineData("8081", "http://127.0.0.1:8081")]
    [InlineData("http://localhost:1234", "http://localhost:1234")]
    public void ListenUrl_Forms_KestrelUrl(string listen, string url) => Assert.Equal(url, GatewayHost.ListenUrl(listen));
}
