using ServerlessDocker.Proxy.Http;

namespace ServerlessDocker.Proxy.Tests;

public sealed class HttpFramingTests
{
    private static BodyFraming Framing(string head) => BodyFraming.ForRequest(HttpHead.Parse(head, isRequest: true));

    [Theory(Timeout = 10000)]
    [InlineData("POST /build HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked")]
    [InlineData("POST /build HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6")]
    [InlineData("POST /build HTTP/1.1\r\nTransfer-Encoding: gzip, chunked")]
    [InlineData("POST /build HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked")]
    [InlineData("POST /build HTTP/1.1\r\nContent-Length: -1")]
    [InlineData("POST /build HTTP/1.1\r\nContent-Length: 1e3")]
    public void ForRequest_AmbiguousFraming_Rejected(string head)
    {
        Assert.Throws<RequestRejectedException>(() => Framing(head));
    }

    [Theory(Timeout = 10000)]
    [InlineData("GET / HTTP/1.1\r\nHost : x")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n folded")]
    [InlineData("GET /  HTTP/1.1")]
    [InlineData("GET / HTTP/2")]
    [InlineData("GET / HTTP/1.1\r\nBad Name: x")]
    public void Parse_MalformedHead_Rejected(string head)
    {
        Assert.Throws<RequestRejectedException>(() => HttpHead.Parse(head, isRequest: true));
    }

    [Fact(Timeout = 10000)]
    public void ForRequest_Chunked_Chunked()
    {
        Assert.Equal(BodyFramingKind.Chunked, Framing("POST /build HTTP/1.1\r\nTransfer-Encoding: Chunked").Kind);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadAllAsync_ChunkedBodyOverLimit_413()
    {
        using var pair = await SocketPair.CreateAsync(TestContext.Current.CancellationToken);
        await pair.Left.SendAsync("4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<RequestRejectedException>(async () =>
            await BodyIO.ReadAllAsync(pair.Right, new BodyFraming(BodyFramingKind.Chunked, -1), 6, TestContext.Current.CancellationToken));

        Assert.Equal(413, ex.StatusCode);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadAllAsync_ChunkedBody_Decoded()
    {
        using var pair = await SocketPair.CreateAsync(TestContext.Current.CancellationToken);
        await pair.Left.SendAsync("4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nTrailer: x\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);

        var body = await BodyIO.ReadAllAsync(pair.Right, new BodyFraming(BodyFramingKind.Chunked, -1), 100, TestContext.Current.CancellationToken);

        Assert.Equal("{\"a\":1}", System.Text.Encoding.ASCII.GetString(body));
    }
}
