using System.Text;

namespace ServerlessDocker.Functions.Tests;

public sealed class FunctionRunTests
{
    [Fact]
    public async Task A_cgi_handler_s_response_goes_to_stdout_and_the_exit_code_is_zero()
    {
        var (code, stdout, stderr) = await Cgi.RunAsync(
            async (request, response, ct) =>
            {
                var form = await request.ReadFormAsync(ct);
                response.SetCookie("voter_id", "v1");
                await response.WriteAsync($"vote {form["vote"]} via {request.Method}", ct);
            },
            "vote=a",
            TestContext.Current.CancellationToken,
            ("REQUEST_METHOD", "POST"),
            ("CONTENT_TYPE", "application/x-www-form-urlencoded"),
            ("CONTENT_LENGTH", "6"));
        Assert.Equal(0, code);
        Assert.Equal("Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nSet-Cookie: voter_id=v1; Path=/; HttpOnly; SameSite=Lax\r\nContent-Length: 15\r\n\r\nvote a via POST", stdout);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_short_500_with_the_error_on_stderr_and_exit_1()
    {
        var (code, stdout, stderr) = await Cgi.RunAsync(
            (request, response, ct) =>
            {
                response.Write("half a page");
                response.Headers.Set("X-Leak", "1");
                throw new InvalidOperationException("secret detail");
            },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, code);
        Assert.StartsWith("Status: 500 Internal Server Error\r\n", stdout, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nInternal Server Error\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Leak", stdout, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: secret detail", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_request_is_answered_with_its_status_and_message()
    {
        var (code, stdout, stderr) = await Cgi.RunAsync(
            async (request, response, ct) => await request.ReadFormAsync(ct),
            "{}",
            TestContext.Current.CancellationToken,
            ("REQUEST_METHOD", "POST"),
            ("CONTENT_TYPE", "application/json"),
            ("CONTENT_LENGTH", "2"));
        Assert.Equal(0, code);
        Assert.StartsWith("Status: 415 Unsupported Media Type\r\n", stdout, StringComparison.Ordinal);
        Assert.Contains("not a form", stdout, StringComparison.Ordinal);
        Assert.Contains("bad request (415)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_while_the_handler_runs_is_a_503_and_exit_143()
    {
        using var cancel = new CancellationTokenSource();
        var (code, stdout, _) = await Cgi.RunAsync(
            async (request, response, ct) =>
            {
                await cancel.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
            },
            cancellationToken: cancel.Token);
        Assert.Equal(143, code);
        Assert.StartsWith("Status: 503 Service Unavailable\r\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_function_gets_args_stdin_and_env_and_its_exit_code_is_returned()
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var host = FunctionHost.Create(new MemoryStream("line one\nline two\n"u8.ToArray()), stdout, stderr)
            .WithArgs("a", "b")
            .WithEnvironment(new Dictionary<string, string> { ["GREETING"] = "hi" });
        var code = await PlainFunction.RunAsync(
            async (context, ct) =>
            {
                var first = await context.StdinReader.ReadLineAsync(ct);
                await context.Stdout.WriteAsync($"{context.GetEnvironmentVariable("GREETING")} {string.Join(",", context.Args)} {first}");
                await context.Stderr.WriteAsync("note");
                return 7;
            },
            host,
            TestContext.Current.CancellationToken);
        Assert.Equal(7, code);
        Assert.Equal("hi a,b line one", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("note", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task A_plain_function_that_throws_exits_1_with_the_error_on_stderr()
    {
        var stderr = new MemoryStream();
        var host = FunctionHost.Create(new MemoryStream(), new MemoryStream(), stderr);
        var code = await PlainFunction.RunAsync((context, ct) => Task.FromResult(context.GetRequiredEnvironmentVariable("DATABASE").Length), host, TestContext.Current.CancellationToken);
        Assert.Equal(1, code);
        Assert.Equal("The environment variable DATABASE is not set; pass it to the function (e.g. `env:` in functions.yaml or --env).\n", Encoding.UTF8.GetString(stderr.ToArray()));
    }
}
