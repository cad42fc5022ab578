using System.Diagnostics;

namespace ServerlessDocker.Cli.Building;

/// <summary>
/// `sdock build`: a C# project → a static NativeAOT executable → a FROM scratch image built through the Engine API.
/// Each stage reports one line; the temporary publish and context directory is always removed.
/// </summary>
internal static class FunctionImageBuild
{
    public static async Task<ImageBuildResult> RunAsync(DockerFunctions docker, string projectPath, string tag, bool withTimeZones, Action<string> log, CancellationToken cancellationToken)
    {
        var project = ResolveProject(projectPath);
        var work = Directory.CreateTempSubdirectory("sdock-build-");
        try
        {
            var clock = Stopwatch.StartNew();
            await NativeToolchain.EnsureAsync(log, cancellationToken);
            var executable = await AotPublisher.PublishAsync(project, Path.Combine(work.FullName, "publish"), log, cancellationToken);
            var size = new FileInfo(executable).Length;
            log($"publish: {Path.GetFileName(project)} → {Path.GetFileName(executable)}, static NativeAOT, {Megabytes(size)} in {clock.Elapsed.TotalSeconds:0.0}s");

            clock.Restart();
            var context = await ScratchImageContext.WriteAsync(executable, withTimeZones, work.FullName, cancellationToken);
            log($"context: FROM scratch, /{Path.GetFileName(executable)} as entrypoint{(withTimeZones ? ", /usr/share/zoneinfo" : string.Empty)} ({Megabytes(new FileInfo(context).Length)})");

            var labels = new Dictionary<string, string>
            {
                [FunctionLabels.Prefix + "build.project"] = Path.GetFileNameWithoutExtension(project),
                [FunctionLabels.Prefix + "build.runtime"] = "dotnet-nativeaot-static",
                [FunctionLabels.Prefix + "build.tzdata"] = withTimeZones ? "true" : "false",
            };
            await using var tar = File.OpenRead(context);
            var result = await docker.BuildImageAsync(tar, tag, labels, progress: null, cancellationToken);
            log($"image: {result.Tag} {result.Id[..Math.Min(result.Id.Length, 19)]} {Megabytes(result.Size)} in {clock.Elapsed.TotalSeconds:0.0}s");
            return result;
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless; the image is what matters.
            }
        }
    }

    /// <summary>A .csproj path, or a directory holding exactly one.</summary>
    internal static string ResolveProject(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && full.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            return full;
        }

        if (!Directory.Exists(full))
        {
            throw new BuildException($"'{path}' is neither a directory nor a .csproj file: pass the function's project directory.");
        }

        var projects = Directory.GetFiles(full, "*.csproj");
        return projects.Length switch
        {
            1 => projects[0],
            0 => throw new BuildException($"'{path}' holds no .csproj: pass the function's project directory."),
            _ => throw new BuildException($"'{path}' holds {projects.Length} .csproj files: pass the one to build."),
        };
    }

    private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MB";
}
