using System.Text;
using ServerlessDocker.Gateway.Cgi;

namespace ServerlessDocker.Gateway.Tests;

public sealed class CgiResponseParserTests
{
    private static Task<CgiParseResult> ParseAsync(string output, int max = CgiResponseParser.DefaultMaxHeaderBytes) =>
        CgiResponseParser.ReadHeadAsync(new MemoryStream(Encoding.Latin1.GetBytes(output)), max, TestContext.Current.CancellationToken);

    [Fact(Timeout = 10000)]
    public async Task ReadHead_ContentTypeOnly_Status200AndBodyStart()
    {
        var result = await ParseAsync("Content-Type: text/plain\n\nhello");

        Assert.True(result.IsValid);
        Assert.Equal(200, result.Head!.StatusCode);
        Assert.Equal("hello", Encoding.UTF8.GetString(result.Head.BodyStart.Span));
        Assert.Contains(result.Head.Headers, h => h.Key == "Content-Type" && h.Value == "text/plain");
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_CrLfAndStatus_StatusUsedAndStatusHeaderDropped()
    {
        var result = await ParseAsync("Status: 418 I'm a teapot\r\nContent-Type: text/plain\r\nX-A: 1\r\nX-A: 2\r\n\r\nbody");

        Assert.Equal(418, result.Head!.StatusCode);
        Assert.Equal(2, result.Head.Headers.Count(h => h.Key == "X-A"));
        Assert.DoesNotContain(result.Head.Headers, h => h.Key == "Status");
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_LocalPathLocationWithoutStatus_IsLocalRedirect()
    {
        var result = await ParseAsync("Location: /function/other/x?y=1\n\n");

        Assert.True(result.Head!.IsLocalRedirect);
        Assert.Equal("/function/other/x?y=1", result.Head.Location);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_AbsoluteLocation_ClientRedirect302()
    {
        var result = await ParseAsync("Location: https://example.com/\n\n");

        Assert.False(result.Head!.IsLocalRedirect);
        Assert.Equal(302, result.Head.StatusCode);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_LocalLocationWithStatus_ClientRedirect()
    {
        var result = await ParseAsync("Status: 301 Moved\nLocation: /new\n\n");

        Assert.False(result.Head!.IsLocalRedirect);
        Assert.Equal(301, result.Head.StatusCode);
    }

    [Theory(Timeout = 10000)]
    [InlineData("", "wrote nothing")]
    [InlineData("Content-Type: text/plain\n", "ended before the blank line")]
    [InlineData("not a header\n\nbody", "not 'Name: value'")]
    [InlineData("Status: abc\n\n", "Status header")]
    [InlineData("Status: 99 Low\n\n", "Status header")]
    [InlineData("X-Only: 1\n\n", "none of Content-Type, Status or Location")]
    [InlineData("Bad Name: 1\nContent-Type: a/b\n\n", "not a token")]
    public async Task ReadHead_Malformed_ErrorExplains(string output, string expected)
    {
        var result = await ParseAsync(output);

        Assert.False(result.IsValid);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_HeaderBlockOverLimit_Rejected()
    {
        var result = await ParseAsync("Content-Type: text/plain\nX-Long: " + new string('a', 5000) + "\n\n", max: 1024);

        Assert.False(result.IsValid);
        Assert.Contains("longer than 1024", result.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_HopByHopHeaders_Dropped()
    {
        var result = await ParseAsync("Content-Type: a/b\nContent-Length: 99\nTransfer-Encoding: chunked\nConnection: close\n\n");

        Assert.Single(result.Head!.Headers);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadHead_OneByteReads_StillParsesAndLeavesRestInStream()
    {
        var stream = new OneByteStream(Encoding.ASCII.GetBytes("Content-Type: a/b\r\n\r\nrest of body"));

        var result = await CgiResponseParser.ReadHeadAsync(stream, 1024, TestContext.Current.CancellationToken);
        var rest = await new StreamReader(stream).ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.True(result.IsValid);
        Assert.Equal("rest of body", Encoding.ASCII.GetString(result.Head!.BodyStart.Span) + rest);
    }

    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }
}
