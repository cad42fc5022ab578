using System.Text.RegularExpressions;

[assembly: AssemblyFixture(typeof(ServerlessDocker.Packages.IntegrationTests.PackageFeed))]

namespace ServerlessDocker.Packages.IntegrationTests;

/// <summary>
/// The repository's packages in a local folder feed, and a scratch directory outside the repository where the
/// consumer apps live. Packs once per run (`dotnet pack --no-build` of the Release build scripts/test made); the apps
/// restore into their own package folder, so a cached copy of an earlier pack can never stand in for this one.
/// </summary>
public sealed partial class PackageFeed : EngineFixture
{
    private static readonly string[] Packages =
        ["ServerlessDocker", "ServerlessDocker.Gateway", "ServerlessDocker.Proxy", "ServerlessDocker.Functions", "ServerlessDocker.Cli"];

    /// <summary>The scratch directory (under /tmp, outside the repository and its Directory.Build.props).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sdock-consumer-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The folder feed holding the packs.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The one version every package carries.</summary>
    public string Version { get; private set; } = "";

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredImages => ["leftpad", "hello-cgi"];

    /// <inheritdoc />
    protected override async Task PrepareImagesAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Feed);
        var pack = await ProcessRunner.RunAsync("dotnet",
            ["pack", Path.Combine(RepositoryRoot.Path, "ServerlessDocker.slnx"), "-c", "Release", "--no-build", "-nologo", "-o", Feed],
            cancellationToken, environment: Environment);
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException($"`dotnet pack` failed (it packs the Release build: run `dotnet build -c Release` first, as scripts/test does): {pack}");
        }

        // `dotnet pack` must leave no warning (package validation, missing docs, metadata).
        var warnings = pack.StandardOutput.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)).ToList();
        if (warnings.Count > 0)
        {
            throw new InvalidOperationException("`dotnet pack` warned:\n" + string.Join('\n', warnings));
        }

        var versions = Packages.Select(p => Directory.GetFiles(Feed, p + ".*.nupkg")
                .Select(Path.GetFileName).Select(f => VersionOf(p, f!)).SingleOrDefault(v => v is not null)
            ?? throw new InvalidOperationException($"`dotnet pack` made no {p} package in {Feed}: {string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))}"))
            .Distinct().ToList();
        if (versions.Count != 1)
        {
            throw new InvalidOperationException($"the packages carry different versions: {string.Join(", ", versions)}");
        }

        Version = versions[0]!;
        File.WriteAllText(Path.Combine(Root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>What every dotnet command of the consumer side runs with: its own package folder, no first-run noise,
    /// and none of the repository's build settings.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    /// <summary>Runs <c>dotnet ARGUMENTS</c> in <paramref name="directory"/> and fails the test, with all output, when it fails.</summary>
    public async Task<ProcessResult> DotnetAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var r = await ProcessRunner.RunAsync("dotnet", arguments, cancellationToken, environment: Environment, workingDirectory: directory);
        Assert.True(r.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed in {directory}: {r}");
        return r;
    }

    /// <summary>
    /// A fresh copy of the consumer app <c>apps/NAME</c> (copied beside the tests' binaries) next to the feed's
    /// NuGet.config, with a Directory.Build.props that sets <c>$(SdockVersion)</c> to the packs' version.
    /// </summary>
    public string NewApp(string name)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "apps", name);
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <SdockVersion>{Version}</SdockVersion>
              </PropertyGroup>
            </Project>
            """);
        return dir;
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process of a failed test may still hold a file; /tmp is cleaned by the system.
        }
    }

    private static string? VersionOf(string package, string file)
    {
        var m = PackageFile().Match(file);
        return m.Success && m.Groups["id"].Value == package ? m.Groups["version"].Value : null;
    }

    [GeneratedRegex(@"^(?<id>.+?)\.(?<version>\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageFile();
}
