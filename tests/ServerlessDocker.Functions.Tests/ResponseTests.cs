using System.Text;

namespace ServerlessDocker.Functions.Tests;

public sealed class ResponseTests
{
    private static async Task<byte[]> SerializeAsync(CgiResponse response)
    {
        var output = new MemoryStream();
        await response.WriteCgiAsync(output, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    private static async Task<string> TextAsync(CgiResponse response) => Encoding.Latin1.GetString(await SerializeAsync(response));

    [Fact]
    public async Task A_default_response_is_a_200_with_text_content_type_and_its_length()
    {
        var response = new CgiResponse();
        response.Write("hi");
        Assert.Equal("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi", await TextAsync(response));
    }

    [Fact]
    public async Task Status_lines_carry_a_reason_for_known_and_unknown_codes()
    {
        Assert.StartsWith("Status: 404 Not Found\r\n", await TextAsync(new CgiResponse { StatusCode = 404 }), StringComparison.Ordinal);
        Assert.StartsWith("Status: 599 Server Error\r\n", await TextAsync(new CgiResponse { StatusCode = 599 }), StringComparison.Ordinal);
        Assert.StartsWith("Status: 299 Success\r\n", await TextAsync(new CgiResponse { StatusCode = 299 }), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CgiResponse { StatusCode = 100 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CgiResponse { StatusCode = 600 });
    }

    [Fact]
    public async Task Set_replaces_and_append_adds_header_lines_in_order()
    {
        var response = new CgiResponse { ContentType = "text/html; charset=utf-8" };
        response.Headers.Set("X-A", "1").Append("X-B", "2").Append("x-a", "3").Set("X-A", "4");
        response.Headers["Cache-Control"] = "no-store";
        var text = await TextAsync(response);
        Assert.Equal("Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-A: 4\r\nX-B: 2\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n", text);
        response.Headers["X-B"] = null;
        Assert.False(response.Headers.Contains("x-b"));
    }

    [Fact]
    public void Header_injection_and_bad_names_are_refused()
    {
        var headers = new CgiResponse().Headers;
        Assert.Throws<ArgumentException>(() => headers.Set("X-Evil", "a\r\nSet-Cookie: x=1"));
        Assert.Throws<ArgumentException>(() => headers.Set("Bad Name", "x"));
        Assert.Throws<ArgumentException>(() => headers.Set("X", "\0"));
        Assert.Throws<ArgumentException>(() => headers.Set("Status", "200 OK"));
        headers.Set("X-Tab", "a\tb");
    }

    [Fact]
    public async Task Set_cookie_lines_carry_the_options_and_repeat()
    {
        var response = new CgiResponse();
        response.SetCookie("voter_id", "abc", CookieOptions.Default.WithMaxAge(TimeSpan.FromDays(365)));
        response.SetCookie("s", "1", new CookieOptions { HttpOnly = false, Secure = true, SameSite = SameSiteMode.None, Path = null, Domain = "example.org" });
        response.DeleteCookie("old");
        Assert.Equal(
            [
                "voter_id=abc; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax",
                "s=1; Domain=example.org; Secure; SameSite=None",
                "old=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
            ],
            response.Headers.GetValues("Set-Cookie"));
        var text = await TextAsync(response);
        Assert.Equal(3, text.Split("\r\nSet-Cookie: ").Length - 1);
    }

    [Fact]
    public void Cookie_values_that_would_break_the_header_are_refused()
    {
        var response = new CgiResponse();
        Assert.Throws<ArgumentException>(() => response.SetCookie("a", "x; Path=/admin"));
        Assert.Throws<ArgumentException>(() => response.SetCookie("a", "with space"));
        Assert.Throws<ArgumentException>(() => response.SetCookie("a", "\"q\""));
        Assert.Throws<ArgumentException>(() => response.SetCookie("a=b", "x"));
        Assert.Throws<ArgumentException>(() => response.SetCookie("a", "é"));
    }

    [Fact]
    public async Task Redirect_sets_status_and_location()
    {
        var response = new CgiResponse().Redirect("/result");
        Assert.StartsWith("Status: 303 See Other\r\n", await TextAsync(response), StringComparison.Ordinal);
        Assert.Equal("/result", response.Headers["Location"]);
        Assert.Equal(307, new CgiResponse().Redirect("https://x.example/", 307).StatusCode);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CgiResponse().Redirect("/x", 200));
    }

    [Fact]
    public async Task Binary_bodies_are_written_byte_for_byte_after_the_blank_line()
    {
        byte[] body = [0, 0xff, 13, 10, 13, 10, 0x80];
        var response = new CgiResponse { ContentType = "application/octet-stream" };
        await response.WriteAsync(body, TestContext.Current.CancellationToken);
        var bytes = await SerializeAsync(response);
        var head = "Status: 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 7\r\n\r\n"u8.ToArray();
        Assert.Equal([.. head, .. body], bytes);
    }

    [Fact]
    public async Task Utf8_text_is_counted_in_bytes()
    {
        var response = new CgiResponse();
        await response.WriteAsync("é€", TestContext.Current.CancellationToken);
        var bytes = await SerializeAsync(response);
        Assert.Contains("Content-Length: 5\r\n", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal("é€", Encoding.UTF8.GetString(bytes.AsSpan(bytes.Length - 5)));
    }

    [Fact]
    public async Task A_handler_set_content_length_is_replaced_by_the_real_one()
    {
        var response = new CgiResponse();
        response.Headers.Set("Content-Length", "999");
        response.Write("abc");
        var text = await TextAsync(response);
        Assert.DoesNotContain("999", text, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 3\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_goes_through_a_source_generated_context_with_a_json_content_type()
    {
        var response = new CgiResponse().WriteJson(new Payload("a", 3), TestJson.Default.Payload);
        var text = await TextAsync(response);
        Assert.Contains("Content-Type: application/json; charset=utf-8\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n{\"name\":\"a\",\"count\":3}", text, StringComparison.Ordinal);
    }
}
