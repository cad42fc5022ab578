using System.Runtime.CompilerServices;

namespace ServerlessDocker.Testing;

/// <summary>Where the checkout is (tests drive ./sdock at its root and build images from tests/images).</summary>
public static class RepositoryRoot
{
    /// <summary>The directory holding ServerlessDocker.slnx and ./sdock.</summary>
    public static string Path { get; } = Find();

    private static string Find([CallerFilePath] string sourceFile = "")
    {
        // This file's compile-time path works wherever the build output lives (scripts/test, --artifacts-path ...);
        // the base directory and the working directory cover a build moved off its sources.
        foreach (var start in new[] { System.IO.Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = start; !string.IsNullOrEmpty(dir); dir = System.IO.Path.GetDirectoryName(dir))
            {
                if (File.Exists(System.IO.Path.Combine(dir, "ServerlessDocker.slnx")) && File.Exists(System.IO.Path.Combine(dir, "sdock")))
                {
                    return dir;
                }
            }
        }

        throw new InvalidOperationException($"cannot find the repository root (with ServerlessDocker.slnx and sdock) above {sourceFile}");
    }
}
