using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>`sdock jobs list | history | run | suspend | resume` through the built CLI against a real `sdock serve`.</summary>
public sealed class CronCliTests(EngineFixture engine) : IAsyncLifetime
{
    private readonly string _job = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-cron-cli-").FullName;
    private readonly int _port = FreePort();
    private Process? _serve;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sdock => Path.Combine(AppContext.BaseDirectory, "sdock.dll");

    private string Url => $"http://127.0.0.1:{_port}";

    public async ValueTask InitializeAsync()
    {
        _ = engine;
        await File.WriteAllTextAsync(Path.Combine(_dir, "functions.yaml"), $"""
            gateway:
              adminToken: s3cret
            jobs:
              {_job}:
                schedule: "0 0 1 1 *"
                image: busybox
                args: [sh, -c, 'echo ran-$SDOCK_SCHEDULED_TIME; exit 4']
            """, Ct);
        _serve = Start(null, "serve", "-f", "functions.yaml", "--listen", $"127.0.0.1:{_port}");
        _ = _serve.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = _serve.StandardError.ReadToEndAsync(CancellationToken.None);
        using var client = new HttpClient { BaseAddress = new Uri(Url) };
        for (var i = 0; ; i++)
        {
            Assert.False(_serve.HasExited, "sdock serve exited early");
            try
            {
                using var r = await client.GetAsync("/healthz", Ct);
                if (r.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                Assert.True(i < 300, "sdock serve did not answer within 30s");
            }

            await Task.Delay(100, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_serve is not null)
        {
            _serve.Kill(entireProcessTree: true);
            await _serve.WaitForExitAsync(CancellationToken.None);
            _serve.Dispose();
        }

        await DockerCli.RemoveAsync(await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={_job}", CancellationToken.None), CancellationToken.None);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact(Timeout = 120000)]
    public async Task Jobs_ListRunHistorySuspendResume()
    {
        var list = await SdockAsync("jobs", "list", "--url", Url, "--token", "s3cret");
        Assert.Equal(0, list.Exit);
        var lines = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Matches($@"^{_job}\s+0 0 1 1 \*\s+UTC\s+{DateTime.UtcNow.Year + 1}-01-01T00:00:00Z \(in \d+d\)\s+0\s+-\s+-$", lines[1]);

        // The token and address also come from the environment, as a shell session would set them.
        var run = await SdockEnvAsync(new() { ["SDOCK_URL"] = Url, ["SDOCK_ADMIN_TOKEN"] = "s3cret" }, "jobs", "run", _job);
        Assert.Equal(0, run.Exit);
        Assert.Matches($@"^{_job}: run started \(slot \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$", run.Stdout.Trim());

        string[] rows = [];
        for (var i = 0; i < 200 && !rows.Any(r => r.Contains(" failed ", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(200, Ct);
            rows = (await SdockAsync("jobs", "history", _job, "--url", Url, "--token", "s3cret")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        Assert.StartsWith("SLOT", rows[0], StringComparison.Ordinal);
        Assert.Matches($@"^\S+Z\s+1\s+failed\s+4\s+\d+\.\ds\s+-\s+sdock-cron-{_job}-\S+-m\s+", rows[1]);

        Assert.Equal($"{_job}: suspended", (await SdockAsync("jobs", "suspend", _job, "--url", Url, "--token", "s3cret")).Stdout.Trim());
        Assert.Contains(" suspended ", (await SdockAsync("jobs", "ls", "--url", Url, "--token", "s3cret")).Stdout, StringComparison.Ordinal);
        Assert.Equal($"{_job}: resumed", (await SdockAsync("jobs", "resume", _job, "--url", Url, "--token", "s3cret")).Stdout.Trim());
        Assert.DoesNotContain(" suspended ", (await SdockAsync("jobs", "ls", "--url", Url, "--token", "s3cret")).Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task Jobs_Errors_AreOneLineWithExit125()
    {
        var unknown = await SdockAsync("jobs", "run", "nope", "--url", Url, "--token", "s3cret");
        AssertOneLine(unknown, "sdock: no job named 'nope' under 'jobs:' ('sdock jobs list' shows the jobs)");

        var history = await SdockAsync("jobs", "history", "nope", "--url", Url, "--token", "s3cret");
        AssertOneLine(history, "sdock: no job named 'nope'");

        var badToken = await SdockAsync("jobs", "list", "--url", Url, "--token", "wrong");
        AssertOneLine(badToken, $"sdock: the gateway at {Url} refused the admin token");

        var noToken = await SdockEnvAsync(new() { ["SDOCK_ADMIN_TOKEN"] = "" }, "jobs", "list", "--url", Url);
        AssertOneLine(noToken, $"sdock: the gateway at {Url} wants its admin token; pass --token or set SDOCK_ADMIN_TOKEN");

        var down = FreePort();
        var unreachable = await SdockAsync("jobs", "list", "--url", $"127.0.0.1:{down}", "--token", "s3cret");
        AssertOneLine(unreachable, $"sdock: cannot reach the gateway at http://127.0.0.1:{down} (");
        Assert.Contains("Point --url or SDOCK_URL at it.", unreachable.Stderr, StringComparison.Ordinal);

        var badUrl = await SdockAsync("jobs", "list", "--url", "ftp://x", "--token", "s3cret");
        AssertOneLine(badUrl, "sdock: --url 'ftp://x' is not a gateway address");
    }

    private static void AssertOneLine((int Exit, string Stdout, string Stderr) result, string start)
    {
        Assert.Equal(125, result.Exit);
        Assert.Equal("", result.Stdout);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(start, result.Stderr, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Stdout, string Stderr)> SdockAsync(params string[] args) => SdockEnvAsync([], args);

    private async Task<(int Exit, string Stdout, string Stderr)> SdockEnvAsync(Dictionary<string, string> env, params string[] args)
    {
        using var process = Start(env, args);
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    private Process Start(Dictionary<string, string>? env, params string[] args)
    {
        Assert.True(File.Exists(Sdock), $"{Sdock} is missing");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.Environment.Remove("SDOCK_URL");
        psi.Environment.Remove("SDOCK_ADMIN_TOKEN");
        foreach (var (k, v) in env ?? [])
        {
            psi.Environment[k] = v;
        }

        psi.ArgumentList.Add(Sdock);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
