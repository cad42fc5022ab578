using System.Net;
using ServerlessDocker.Gateway.Hosting;

namespace ServerlessDocker.Functions.IntegrationTests;

/// <summary>The built function run for real: plain through the core library, CGI through the gateway.</summary>
public sealed class RunTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task Plain_through_the_core_library_gets_args_and_stdin_and_its_exit_code_counts()
    {
        var test = new TestCase();

        var ok = await engine.Command(test, EngineFixture.HelloImage, "a", "b")
            .WithStandardInputPipe(PipeSource.FromString("from stdin\n"))
            .ExecuteBufferedAsync(Ct);
        var failed = await engine.Command(test, EngineFixture.HelloImage, "fail")
            .WithValidation(ResultValidation.None)
            .ExecuteBufferedAsync(Ct);

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("hello a b; stdin: from stdin\n", ok.StandardOutput);
        Assert.Equal(3, failed.ExitCode);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 120000)]
    public async Task Cgi_through_the_gateway_answers_paths_forms_cookies_json_and_errors()
    {
        var directory = Directory.CreateTempSubdirectory("sdock-fn-it-");
        try
        {
            var config = Path.Combine(directory.FullName, "functions.yaml");
            await File.WriteAllTextAsync(config, $"functions:\n  hello:\n    image: {EngineFixture.HelloImage}\n    route: /hello\n", Ct);
            await using var gateway = await GatewayHost.StartAsync(new GatewayHostOptions
            {
                ConfigPath = config,
                Listen = "127.0.0.1:0",
                Docker = engine.Docker,
                ShutdownTimeout = TimeSpan.FromSeconds(2),
            }, Ct);
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

            var hello = await client.GetAsync(new Uri("/hello/there?name=J%C3%BCrgen+X", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
            Assert.Equal("hello Jürgen X from GET /hello/there\n", await hello.Content.ReadAsStringAsync(Ct));

            using var form = new HttpRequestMessage(HttpMethod.Post, "/hello/form") { Content = new FormUrlEncodedContent([new("vote", "b")]) };
            form.Headers.Add("Cookie", "seen=yes");
            var posted = await client.SendAsync(form, Ct);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            Assert.Equal("form vote=b cookie=yes\n", await posted.Content.ReadAsStringAsync(Ct));
            Assert.Equal(["seen=1; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax"], posted.Headers.GetValues("Set-Cookie"));

            var json = await client.GetAsync(new Uri("/function/hello/json?name=x", UriKind.Relative), Ct);
            Assert.Equal("application/json; charset=utf-8", json.Content.Headers.ContentType?.ToString());
            Assert.Equal("{\"name\":\"x\",\"method\":\"GET\"}", await json.Content.ReadAsStringAsync(Ct));

            var boom = await client.GetAsync(new Uri("/hello/boom", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, boom.StatusCode);
            Assert.Equal("Internal Server Error\n", await boom.Content.ReadAsStringAsync(Ct));
            Assert.DoesNotContain("boom on purpose", await boom.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        // Every call's container is gone once the gateway is.
        await DockerCli.AssertGoneAsync("io.sdock.gateway.function=hello", Ct);
    }
}
