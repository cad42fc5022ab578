using System.Runtime.CompilerServices;

namespace ServerlessDocker.IntegrationTests.Infrastructure;

/// <summary>Where the checkout is (the tests drive ./sdock at its root).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find([CallerFilePath] string sourceFile = "")
    {
        // This file's compile-time path works wherever the build output lives (scripts/test, --artifacts-path ...).
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory })
        {
            for (var dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (File.Exists(Path.Combine(dir, "ServerlessDocker.slnx")) && File.Exists(Path.Combine(dir, "sdock")))
                {
                    return dir;
                }
            }
        }

        throw new InvalidOperationException($"cannot find the repository root (with ServerlessDocker.slnx and sdock) above {sourceFile}");
    }
}
