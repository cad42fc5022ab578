using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>`sdock serve` as a real process: serves a functions.yaml, and refuses a bad one naming the line.</summary>
public sealed class ServeCommandTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sdock => Path.Combine(AppContext.BaseDirectory, "sdock.dll");

    [Fact(Timeout = 90000)]
    public async Task Serve_ValidFile_ServesFunctionUntilStopped()
    {
        _ = engine;
        var dir = Directory.CreateTempSubdirectory("sdock-gw-serve-").FullName;
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "functions.yaml"), $"""
            functions:
              hello:
                image: {EngineFixture.CgiImage}
                route: /hello
            """, Ct);
        using var process = Start(dir, "serve", "-f", "functions.yaml", "--listen", $"127.0.0.1:{port}");
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForHealthAsync(client, process);

            var env = Env.Parse(await client.GetStringAsync("/hello/env?via=cli", Ct));

            Assert.Equal("via=cli", env["QUERY_STRING"]);
            Assert.Equal("/hello", env["SCRIPT_NAME"]);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
            Directory.Delete(dir, recursive: true);
        }

        Assert.Contains("serving 1 function(s)", await stderr, StringComparison.Ordinal);
        await DockerCli.AssertGoneAsync($"{Execution.GatewayLabels.Function}=hello", Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Serve_BadFile_Exit125AndErrorNamesLine()
    {
        var dir = Directory.CreateTempSubdirectory("sdock-gw-serve-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "functions.yaml"), "functions:\n  hello:\n    image: x\n    concurrency: lots\n", Ct);
            using var process = Start(dir, "serve", "-f", "functions.yaml", "--listen", "127.0.0.1:0");
            var stderr = await process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);

            Assert.Equal(125, process.ExitCode);
            Assert.Contains("functions.yaml:4:18: 'concurrency' must be a whole number", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Process Start(string workingDirectory, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), args);

    private static Process Start(string workingDirectory, Dictionary<string, string> environment, params string[] args)
    {
        Assert.True(File.Exists(Sdock), $"{Sdock} is missing: the test project references the CLI so that it is copied here");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        psi.ArgumentList.Add(Sdock);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
    }

    [Fact(Timeout = 120000)]
    public async Task Serve_KilledDuringAnAsyncCall_RestartRemovesTheFirstContainerAndRunsTheCallAgainCountingBothAttempts()
    {
        _ = engine;
        var dir = Directory.CreateTempSubdirectory("sdock-gw-crash-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "functions.yaml"), $$"""
            functions:
              slow:
                image: {{EngineFixture.CgiImage}}
                mode: plain
                args: [plain-sleep, "4"]
            """, Ct);
        var port = FreePort();
        using var first = Start(dir, "serve", "-f", "functions.yaml", "--listen", $"127.0.0.1:{port}");
        _ = first.StandardError.ReadToEndAsync(Ct);
        Process? second = null;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForHealthAsync(client, first);
            using var accepted = await client.PostAsync("/async-function/slow", null, Ct);
            var id = accepted.Headers.GetValues("X-Call-Id").Single();
            var label = $"{Execution.GatewayLabels.Call}={id}";
            var firstContainer = await Eventually.ValueAsync(async () => (await DockerCli.ContainerIdsAsync(label, Ct)).FirstOrDefault(), "the first attempt's container", TimeSpan.FromSeconds(20), Ct);

            first.Kill();
            await first.WaitForExitAsync(Ct);
            Assert.True(await DockerCli.ContainerExistsAsync(firstContainer, Ct), "kill -9 left the attempt's container (the case under test)");

            var port2 = FreePort();
            second = Start(dir, "serve", "-f", "functions.yaml", "--listen", $"127.0.0.1:{port2}");
            _ = second.StandardError.ReadToEndAsync(Ct);
            using var client2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port2}") };
            await WaitForHealthAsync(client2, second);
            var done = await Eventually.ValueAsync(async () =>
            {
                var call = await client2.GetFromJsonAsync<JsonElement>("/calls/" + id, Ct);
                return call.GetProperty("status").GetString() is "succeeded" or "failed" ? call : (JsonElement?)null;
            }, "the call to finish after the restart", TimeSpan.FromSeconds(40), Ct);

            Assert.False(await DockerCli.ContainerExistsAsync(firstContainer, Ct), "the interrupted attempt's container is still there");
            Assert.Equal("succeeded", done.GetProperty("status").GetString());
            Assert.Equal(2, done.GetProperty("attempts").GetInt32());
            await DockerCli.AssertGoneAsync(label, Ct);
        }
        finally
        {
            if (!first.HasExited)
            {
                first.Kill();
            }

            if (second is not null)
            {
                second.Kill();
                await second.WaitForExitAsync(CancellationToken.None);
                second.Dispose();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact(Timeout = 120000)]
    public async Task Serve_KilledWithAWarmPool_PruneRemovesItsContainersAndTheirSocketDirectories()
    {
        _ = engine;
        var agent = Path.Combine(RepositoryRoot.Path, "artifacts", "warm-agent", "sdock-agent");
        Assert.True(File.Exists(agent), $"the warm agent is not published at {agent}: run scripts/agent");
        var dir = Directory.CreateTempSubdirectory("sdock-gw-warm-kill-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "functions.yaml"), $$"""
            functions:
              warmkill:
                image: {{EngineFixture.CgiImage}}
                mode: plain
                args: [plain-echo]
                warm:
                  min: 2
                  max: 2
            """, Ct);
        var port = FreePort();
        var label = $"{Execution.GatewayLabels.Function}=warmkill";
        using var serve = Start(dir, new Dictionary<string, string> { ["SDOCK_WARM_AGENT"] = agent }, "serve", "-f", "functions.yaml", "--listen", $"127.0.0.1:{port}");
        _ = serve.StandardError.ReadToEndAsync(Ct);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForHealthAsync(client, serve);
            using var answer = await client.PostAsync("/function/warmkill", new StringContent("hello"), Ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var containers = await Eventually.ValueAsync(async () =>
            {
                var ids = await DockerCli.ContainerIdsAsync(label, Ct);
                return ids.Count == 2 ? ids : null;
            }, "the pool's two warm containers", TimeSpan.FromSeconds(30), Ct);
            var socketDirectories = new List<string>();
            foreach (var id in containers)
            {
                var inspect = await DockerCli.RunAsync(Ct, "inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"/.sdock/run\"}}{{.Source}}{{end}}{{end}}", id);
                var source = inspect.StandardOutput.Trim();
                Assert.True(Directory.Exists(source), $"warm container {id} has no socket directory on the host ({inspect})");
                socketDirectories.Add(source);
            }

            serve.Kill();
            await serve.WaitForExitAsync(Ct);
            var prune = await ProcessRunner.RunAsync("dotnet", [Sdock, "prune"], Ct);

            Assert.True(prune.ExitCode == 0, prune.ToString());
            foreach (var id in containers)
            {
                Assert.Contains(id, prune.StandardOutput);
            }

            await DockerCli.AssertGoneAsync(label, Ct);
            Assert.All(socketDirectories, d => Assert.False(Directory.Exists(d), $"prune left the socket directory {d}"));
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitForHealthAsync(HttpClient client, Process process)
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.False(process.HasExited, "sdock serve exited early");
            try
            {
                using var response = await client.GetAsync("/healthz", Ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("sdock serve did not answer /healthz within 20s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
