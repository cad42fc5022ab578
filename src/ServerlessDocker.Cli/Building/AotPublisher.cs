using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ServerlessDocker.Cli.Building;

/// <summary>
/// Publishes a C# project as one fully static NativeAOT executable (linux-x64, glibc linked in, lld) and refuses
/// the result when the trimmer or the AOT compiler warned: such a binary may fail at run time, so no image is built.
/// </summary>
internal static partial class AotPublisher
{
    public static async Task<string> PublishAsync(string project, string outputDirectory, Action<string> log, CancellationToken cancellationToken)
    {
        var dotnet = NativeToolchain.Find("dotnet")
            ?? throw new BuildException("the .NET SDK (dotnet) is not on PATH: install it (see global.json for the version) and run sdock build again.");
        string[] args =
        [
            "publish", project, "-c", "Release", "-r", "linux-x64", "-o", outputDirectory, "-nologo", "-v", "minimal", "-clp:NoSummary",
            "-p:PublishAot=true", "-p:StaticExecutable=true", "-p:LinkerFlavor=lld",
            // A scratch image has no ICU; invariant globalization is the only culture data that is there.
            "-p:InvariantGlobalization=true",
        ];
        var start = new ProcessStartInfo(dotnet, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new BuildException("cannot start dotnet publish");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var lines = (await output + "\n" + await errors).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var aotWarnings = AotDiagnostics(lines);
        if (aotWarnings.Count > 0)
        {
            throw new BuildException(
                $"{Path.GetFileName(project)} is not NativeAOT/trimming-clean, so no image was built ({aotWarnings.Count} warning(s)); fix these or avoid the code that needs reflection:\n  "
                + string.Join("\n  ", aotWarnings.Take(20)));
        }

        if (process.ExitCode != 0)
        {
            var failures = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(20).ToList();
            throw new BuildException(
                $"dotnet publish {Path.GetFileName(project)} failed (exit {process.ExitCode}):\n  "
                + string.Join("\n  ", failures.Count > 0 ? failures : lines.TakeLast(20)));
        }

        return FindExecutable(outputDirectory);
    }

    /// <summary>The trimming (IL2xxx) and AOT (IL3xxx) warnings and errors of a publish log, each once.</summary>
    internal static List<string> AotDiagnostics(IEnumerable<string> lines) =>
        [.. lines.Where(l => AotDiagnostic().IsMatch(l)).Select(StripProject).Distinct(StringComparer.Ordinal)];

    private static string StripProject(string line)
    {
        // msbuild appends " [/path/to/project.csproj]" to every diagnostic; the code and message are what matter.
        var bracket = line.LastIndexOf(" [", StringComparison.Ordinal);
        return bracket > 0 && line.EndsWith(']') ? line[..bracket] : line;
    }

    /// <summary>The one ELF executable a publish leaves (the .dbg symbol file aside); it must be static.</summary>
    internal static string FindExecutable(string directory)
    {
        var candidates = Directory.EnumerateFiles(directory)
            .Where(f => !f.EndsWith(".dbg", StringComparison.Ordinal) && ElfFile.IsElf(f))
            .ToList();
        if (candidates.Count != 1)
        {
            throw new BuildException($"the publish left {candidates.Count} native executables in {directory} instead of one; is the project an Exe (OutputType Exe)?");
        }

        if (ElfFile.HasInterpreter(candidates[0]))
        {
            throw new BuildException($"{Path.GetFileName(candidates[0])} is dynamically linked and would not start in a scratch image; StaticExecutable was overridden by the project.");
        }

        return candidates[0];
    }

    [GeneratedRegex(@"\b(warning|error) IL[23]\d{3}\b")]
    private static partial Regex AotDiagnostic();
}
