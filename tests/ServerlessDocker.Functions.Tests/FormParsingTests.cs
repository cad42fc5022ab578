namespace ServerlessDocker.Functions.Tests;

public sealed class FormParsingTests
{
    private static Task<FormData> FormAsync(string body, string type = "application/x-www-form-urlencoded") =>
        Cgi.Request(body, ("REQUEST_METHOD", "POST"), ("CONTENT_TYPE", type), ("CONTENT_LENGTH", System.Text.Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ReadFormAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task Plus_is_a_space_and_percent_escapes_are_utf8_bytes()
    {
        var form = await FormAsync("name=J%C3%BCrgen+M%C3%BCller&sum=1%2B1%3D2");
        Assert.Equal("Jürgen Müller", form["name"]);
        Assert.Equal("1+1=2", form["sum"]);
    }

    [Fact]
    public async Task Repeated_keys_keep_every_value_in_order_and_the_indexer_gives_the_first()
    {
        var form = await FormAsync("tag=a&x=1&tag=b&tag=c");
        Assert.Equal("a", form["tag"]);
        Assert.Equal(["a", "b", "c"], form.Fields.GetValues("tag"));
        Assert.Equal(4, form.Fields.Count);
        Assert.Equal(["tag", "x"], form.Fields.Names);
    }

    [Fact]
    public async Task Empty_values_and_names_without_equals_are_present_with_an_empty_value()
    {
        var form = await FormAsync("a=&b&&c=3");
        Assert.True(form.Fields.TryGetValue("a", out var a));
        Assert.Equal(string.Empty, a);
        Assert.Equal(string.Empty, form["b"]);
        Assert.Equal("3", form["c"]);
        Assert.Equal(3, form.Fields.Count);
        Assert.Null(form["missing"]);
        Assert.Empty(form.Fields.GetValues("missing"));
    }

    [Fact]
    public async Task Bad_percent_escapes_stay_as_they_are()
    {
        var form = await FormAsync("p=100%&q=%zz&r=%4");
        Assert.Equal("100%", form["p"]);
        Assert.Equal("%zz", form["q"]);
        Assert.Equal("%4", form["r"]);
    }

    [Fact]
    public async Task Keys_are_case_sensitive()
    {
        var form = await FormAsync("Vote=a&vote=b");
        Assert.Equal("a", form["Vote"]);
        Assert.Equal("b", form["vote"]);
    }

    [Fact]
    public async Task The_content_type_may_carry_a_charset()
    {
        var form = await FormAsync("vote=a", "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
        Assert.Equal("a", form["vote"]);
    }

    [Fact]
    public async Task A_request_without_body_has_an_empty_form()
    {
        var form = await Cgi.Request((string?)null, ("REQUEST_METHOD", "GET")).ReadFormAsync(TestContext.Current.CancellationToken);
        Assert.Empty(form.Fields);
    }

    [Fact]
    public async Task Multipart_and_other_types_are_refused_with_415_naming_the_type()
    {
        var multipart = await Assert.ThrowsAsync<FunctionRequestException>(() => FormAsync("--x--", "multipart/form-data; boundary=x"));
        Assert.Equal(415, multipart.StatusCode);
        Assert.Contains("multipart/form-data is not supported", multipart.Message, StringComparison.Ordinal);
        var json = await Assert.ThrowsAsync<FunctionRequestException>(() => FormAsync("{}", "application/json"));
        Assert.Contains("'application/json'", json.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_query_string_is_parsed_the_same_way()
    {
        var request = Cgi.Request((string?)null, ("QUERY_STRING", "q=a+b&q=c%26d&empty="));
        Assert.Equal("a b", request.Query["q"]);
        Assert.Equal(["a b", "c&d"], request.Query.GetValues("q"));
        Assert.True(request.Query.Contains("empty"));
        Assert.Equal("q=a+b&q=c%26d&empty=", request.QueryString);
    }

    [Fact]
    public void A_long_escaped_value_decodes_past_the_stack_buffer()
    {
        var value = string.Concat(Enumerable.Repeat("%C3%A9", 200));
        var request = Cgi.Request((string?)null, ("QUERY_STRING", "v=" + value));
        Assert.Equal(new string('é', 200), request.Query["v"]);
    }
}
