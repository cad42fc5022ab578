namespace ServerlessDocker.Functions.Tests;

public sealed class CookieParsingTests
{
    private static IReadOnlyDictionary<string, string> Cookies(string header) => Cgi.Request((string?)null, ("HTTP_COOKIE", header)).Cookies;

    [Fact]
    public void Pairs_split_on_semicolons_with_spaces_trimmed()
    {
        var cookies = Cookies("voter_id=abc123;  theme=dark ;x=1");
        Assert.Equal("abc123", cookies["voter_id"]);
        Assert.Equal("dark", cookies["theme"]);
        Assert.Equal("1", cookies["x"]);
    }

    [Fact]
    public void Quoted_values_lose_their_quotes_and_values_are_not_url_decoded()
    {
        var cookies = Cookies("a=\"quoted value\"; b=%41; c=\"");
        Assert.Equal("quoted value", cookies["a"]);
        Assert.Equal("%41", cookies["b"]);
        Assert.Equal("\"", cookies["c"]);
    }

    [Fact]
    public void Bad_pairs_are_skipped_and_the_rest_kept()
    {
        var cookies = Cookies("novalue; =orphan; bad name=1; ok=2; ;");
        Assert.Equal(["ok"], cookies.Keys);
    }

    [Fact]
    public void The_first_of_a_repeated_name_wins_and_names_are_case_sensitive()
    {
        var cookies = Cookies("id=first; id=second; ID=upper");
        Assert.Equal("first", cookies["id"]);
        Assert.Equal("upper", cookies["ID"]);
    }

    [Fact]
    public void Empty_values_and_values_with_equals_signs_are_kept()
    {
        var cookies = Cookies("empty=; token=a=b==");
        Assert.Equal(string.Empty, cookies["empty"]);
        Assert.Equal("a=b==", cookies["token"]);
    }

    [Fact]
    public void No_cookie_header_means_no_cookies()
    {
        Assert.Empty(Cgi.Request((string?)null).Cookies);
    }
}
