using System.Diagnostics;

namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>`sdock proxy` and `sdock run --docker-access scoped`, as built processes against the real engine.</summary>
public sealed class SdockCliTests(ProxyEnvironment environment)
{
    private static readonly string Sdock = Path.Combine(AppContext.BaseDirectory, "sdock.dll");

    [Fact(Timeout = 60000)]
    public async Task SdockProxy_TenantSocket_ServesScopeAndRemovesSocketOnSigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        var socket = Path.Combine(environment.SocketDirectory, $"cli-{Guid.NewGuid():N}.sock");
        var scope = $"clitenant-{environment.RunId}";
        using var process = Process.Start(new ProcessStartInfo("dotnet", [Sdock, "proxy", "--scope", scope, "--socket", socket]) { RedirectStandardError = true })!;
        try
        {
            for (var i = 0; i < 100 && !File.Exists(socket); i++)
            {
                await Task.Delay(100, ct);
            }

            var run = await ProcessRunner.RunAsync("docker", ["run", "--rm", "busybox", "echo", "via-sdock-proxy"], ct, environment: new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + socket });
            var ownerOnly = !OperatingSystem.IsWindows() && File.GetUnixFileMode(socket) == (UnixFileMode.UserRead | UnixFileMode.UserWrite);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("via-sdock-proxy", run.StandardOutput.Trim());
            Assert.True(ownerOnly, "the tenant socket is not mode 0600");
        }
        finally
        {
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync(ct);
        }

        Assert.Equal(0, process.ExitCode);
        Assert.False(File.Exists(socket), "the tenant socket survived sdock proxy");
        Assert.Empty(await DockerCli.ContainerIdsAsync($"io.sdock.proxy.scope.0={scope}", ct));
    }

    [Fact(Timeout = 120000)]
    public async Task SdockRun_DockerAccessScoped_ExampleStartsChildrenAndLeavesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var image = await DockerCli.RunAsync(ct, "image", "inspect", "nested-function");
        Assert.True(image.ExitCode == 0, $"the example image is missing: scripts/images builds examples/nested-function. {image}");

        var word = "w" + Guid.NewGuid().ToString("N")[..10];

        var run = await ProcessRunner.RunAsync("dotnet", [Sdock, "run", "--docker-access", "scoped", "nested-function", word], ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"child 3 says {word}", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("left 1 child running", run.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(await DockerCli.ContainerIdsAsync($"io.sdock.example.word={word}", ct));
    }
}
