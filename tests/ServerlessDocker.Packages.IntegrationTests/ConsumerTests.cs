using System.Text.Json;

namespace ServerlessDocker.Packages.IntegrationTests;

/// <summary>Fresh apps outside the repository, referencing the packages by version from the folder feed.</summary>
public sealed class ConsumerTests(PackageFeed feed)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConsoleApp_RunsTheReadmeExample_FromThePackage()
    {
        var app = feed.NewApp("console");

        var run = await feed.DotnetAsync(app, Token, "run", "-c", "Release");

        Assert.Equal("  foo\n", run.StandardOutput);
        AssertFromFeed(app, "ServerlessDocker");
        await AssertNoContainerLeftAsync("leftpad");
    }

    [Fact]
    public async Task Tool_InstalledFromTheFeed_RunsLeftpad()
    {
        var tools = Path.Combine(feed.Root, "tools");
        await feed.DotnetAsync(feed.Root, Token,
            "tool", "install", "ServerlessDocker.Cli", "--version", feed.Version, "--tool-path", tools, "--configfile", Path.Combine(feed.Root, "NuGet.config"));
        var sdock = Path.Combine(tools, "sdock");

        // The tool is the native build from the RID-specific package the pointer package names, with the full build
        // bundled for the commands the native one hands over.
        var installed = new FileInfo(sdock).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? sdock;
        Assert.Contains("serverlessdocker.cli.linux-x64", installed, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(installed)!, "full", "sdock.dll")), $"no full build beside {installed}");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(installed)!, "sdock.dll")), "the tool's entry point is a managed sdock.dll, not the native build");
        // scripts/test publishes the warm agent before packing, so warm functions work from the installed tool.
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(installed)!, "full", "sdock-agent")), $"no warm agent in {installed}'s full/");

        var version = await ProcessRunner.RunAsync(sdock, ["--version"], Token);
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith(feed.Version, version.StandardOutput.Trim(), StringComparison.Ordinal);

        var run = await ProcessRunner.RunAsync(sdock, ["run", "leftpad", "foo", "5"], Token);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("  foo\n", run.StandardOutput);
        await AssertNoContainerLeftAsync("leftpad");

        // `serve` and `proxy` run in the bundled full build (no ./sdock, no SDOCK_FULL_CLI here).
        var serve = await ProcessRunner.RunAsync(sdock, ["serve", "--help"], Token);
        Assert.True(serve.ExitCode == 0, serve.ToString());
        Assert.Contains("Serve functions over HTTP", serve.StandardOutput, StringComparison.Ordinal);

        // The docker convention travels with the tool: a failing function's exit code is sdock's.
        var failed = await ProcessRunner.RunAsync(sdock, ["run", "leftpad", "foo"], Token);
        Assert.Equal(2, failed.ExitCode);
        Assert.Contains("usage: leftpad", failed.StandardError, StringComparison.Ordinal);
        await AssertNoContainerLeftAsync("leftpad");
    }

    [Fact]
    public async Task AspNetCoreApp_ServesAContainerFunction_FromTheGatewayPackage()
    {
        var app = feed.NewApp("web");

        var run = await feed.DotnetAsync(app, Token, "run", "-c", "Release");

        Assert.Equal("200 text/plain\nhello, dotnet (GET /hello/dotnet?x=1)\n", run.StandardOutput);
        AssertFromFeed(app, "ServerlessDocker.Gateway");
        AssertFromFeed(app, "ServerlessDocker");
        await AssertNoContainerLeftAsync("hello-cgi");
    }

    /// <summary>The restore took <paramref name="package"/> as a package of the feed's version, not as a project.</summary>
    private void AssertFromFeed(string app, string package)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")));
        var libraries = assets.RootElement.GetProperty("libraries");
        Assert.True(libraries.TryGetProperty($"{package}/{feed.Version}", out var library),
            $"{package} {feed.Version} is not among the restored libraries: {string.Join(", ", libraries.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("ServerlessDocker", StringComparison.Ordinal)))}");
        Assert.Equal("package", library.GetProperty("type").GetString());
        Assert.True(File.Exists(Path.Combine(feed.Environment["NUGET_PACKAGES"], package.ToLowerInvariant(), feed.Version, $"{package.ToLowerInvariant()}.{feed.Version}.nupkg")),
            $"{package} was not restored into the test's own package folder");
    }

    /// <summary>The consumer's runs are removed: no container of <paramref name="image"/> is left on the engine.</summary>
    private static async Task AssertNoContainerLeftAsync(string image)
    {
        for (var i = 0; i < 50; i++)
        {
            var left = await DockerCli.ContainerIdsAsync($"io.sdock.image={image}", Token);
            if (left.Count == 0)
            {
                return;
            }

            await Task.Delay(200, Token);
        }

        Assert.Fail($"a container of {image} was left on the engine after the consumer app ended");
    }
}
