namespace ServerlessDocker.Functions.Tests;

public sealed class RequestTests
{
    [Fact]
    public void Cgi_variables_map_to_method_paths_and_headers()
    {
        var request = Cgi.Request(
            (string?)null,
            ("REQUEST_METHOD", "POST"),
            ("SCRIPT_NAME", "/vote"),
            ("PATH_INFO", "/x/y"),
            ("HTTP_X_FORWARDED_FOR", "10.0.0.1"),
            ("HTTP_ACCEPT", "text/html"),
            ("CONTENT_TYPE", "text/plain"),
            ("CONTENT_LENGTH", "0"));
        Assert.Equal("POST", request.Method);
        Assert.True(request.IsMethod("post"));
        Assert.Equal("/vote", request.ScriptName);
        Assert.Equal("/x/y", request.PathInfo);
        Assert.Equal("10.0.0.1", request.Headers["X-Forwarded-For"]);
        Assert.Equal("10.0.0.1", request.Headers["x-forwarded-for"]);
        Assert.Equal("text/html", request.Headers["Accept"]);
        Assert.Equal("text/plain", request.Headers["Content-Type"]);
        Assert.Equal("0", request.Headers["content-length"]);
        Assert.Equal(4, request.Headers.Count);
    }

    [Fact]
    public void Defaults_when_the_environment_is_empty()
    {
        var request = Cgi.Request((string?)null);
        Assert.Equal("GET", request.Method);
        Assert.Equal(string.Empty, request.PathInfo);
        Assert.Equal(string.Empty, request.QueryString);
        Assert.Null(request.ContentType);
        Assert.Null(request.ContentLength);
        Assert.Empty(request.Headers);
    }

    [Fact]
    public async Task The_body_is_exactly_content_length_bytes_even_when_stdin_holds_more()
    {
        var request = Cgi.Request("hello world", ("CONTENT_LENGTH", "5"));
        Assert.Equal("hello", await request.ReadBodyAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Without_content_length_the_body_is_read_to_eof()
    {
        var request = Cgi.Request(new string('x', 100_000));
        Assert.Equal(100_000, (await request.ReadBodyAsStringAsync(TestContext.Current.CancellationToken)).Length);
    }

    [Fact]
    public async Task The_body_is_read_once_and_kept_for_every_reader()
    {
        var request = Cgi.Request("vote=b", ("CONTENT_TYPE", "application/x-www-form-urlencoded"), ("CONTENT_LENGTH", "6"));
        Assert.Equal("vote=b", await request.ReadBodyAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("b", (await request.ReadFormAsync(TestContext.Current.CancellationToken))["vote"]);
    }

    [Fact]
    public async Task Binary_bodies_pass_unchanged()
    {
        byte[] body = [0, 1, 2, 0xff, 0xfe, (byte)'\r', (byte)'\n'];
        var request = Cgi.Request(body, ("CONTENT_LENGTH", "7"));
        Assert.Equal(body, (await request.ReadBodyAsBytesAsync(TestContext.Current.CancellationToken)).ToArray());
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_a_400()
    {
        var request = Cgi.Request("abc", ("CONTENT_LENGTH", "10"));
        var error = await Assert.ThrowsAsync<FunctionRequestException>(() => request.ReadBodyAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("3 of the 10 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_over_the_cap_are_a_413_with_and_without_content_length()
    {
        var declared = CgiRequest.FromEnvironment(new Dictionary<string, string> { ["CONTENT_LENGTH"] = "11" }, new MemoryStream(new byte[11]), maxBodyBytes: 10);
        Assert.Equal(413, (await Assert.ThrowsAsync<FunctionRequestException>(() => declared.ReadBodyAsBytesAsync(TestContext.Current.CancellationToken))).StatusCode);

        var streamed = CgiRequest.FromEnvironment(new Dictionary<string, string>(), new MemoryStream(new byte[11]), maxBodyBytes: 10);
        var error = await Assert.ThrowsAsync<FunctionRequestException>(() => streamed.ReadBodyAsBytesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(413, error.StatusCode);
        Assert.Contains("limit of 10 bytes", error.Message, StringComparison.Ordinal);

        var exact = CgiRequest.FromEnvironment(new Dictionary<string, string>(), new MemoryStream(new byte[10]), maxBodyBytes: 10);
        Assert.Equal(10, (await exact.ReadBodyAsBytesAsync(TestContext.Current.CancellationToken)).Length);
    }

    [Fact]
    public void A_content_length_that_is_not_a_number_is_a_400()
    {
        var error = Assert.Throws<FunctionRequestException>(() => Cgi.Request("x", ("CONTENT_LENGTH", "-1")));
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public async Task Json_bodies_go_through_a_source_generated_context()
    {
        var request = Cgi.Request("{\"name\":\"x\",\"count\":2}", ("CONTENT_TYPE", "application/json"));
        var payload = await request.ReadJsonAsync(TestJson.Default.Payload, TestContext.Current.CancellationToken);
        Assert.Equal(new Payload("x", 2), payload);

        var bad = Cgi.Request("{nope", ("CONTENT_TYPE", "application/json"));
        Assert.Equal(400, (await Assert.ThrowsAsync<FunctionRequestException>(() => bad.ReadJsonAsync(TestJson.Default.Payload, TestContext.Current.CancellationToken))).StatusCode);
    }
}
