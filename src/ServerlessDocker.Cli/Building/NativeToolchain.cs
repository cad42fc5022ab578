using System.Diagnostics;

namespace ServerlessDocker.Cli.Building;

/// <summary>
/// The native linker a static NativeAOT publish needs: Debian's clang (the driver) and lld. Installed with apt
/// when sdock runs as root, otherwise named in the error.
/// </summary>
internal static class NativeToolchain
{
    private static readonly string[] Tools = ["clang", "ld.lld"];

    public static async Task EnsureAsync(Action<string> log, CancellationToken cancellationToken)
    {
        if (Missing().Count == 0)
        {
            return;
        }

        if (Environment.UserName == "root" && Find("apt-get") is { } aptGet)
        {
            log($"toolchain: installing clang and lld (missing: {string.Join(", ", Missing())})");
            var code = await RunQuietAsync(aptGet, ["install", "-y", "-q", "--no-install-recommends", "clang", "lld"], cancellationToken);
            if (code != 0)
            {
                await RunQuietAsync(aptGet, ["update", "-q"], cancellationToken);
                await RunQuietAsync(aptGet, ["install", "-y", "-q", "--no-install-recommends", "clang", "lld"], cancellationToken);
            }
        }

        var missing = Missing();
        if (missing.Count > 0)
        {
            throw new BuildException($"a static NativeAOT publish needs clang and lld, and {string.Join(" and ", missing)} is not on PATH: install them (Debian: apt-get install clang lld) and run sdock build again.");
        }
    }

    public static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static List<string> Missing() => [.. Tools.Where(t => Find(t) is null)];

    private static async Task<int> RunQuietAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new BuildException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(output, errors);
        return process.ExitCode;
    }
}
