using System.Runtime.InteropServices;

namespace ServerlessDocker.Cli;

/// <summary>
/// ./sdock starts the native build without looking at the sources (a shell walking them costs more than the whole
/// native start-up); the native build does it here, before anything else, and goes back to ./sdock with
/// <c>SDOCK_STALE=1</c> when a source is newer than itself or the full build it hands commands to is missing. So a
/// checkout never runs a stale native build, and the check costs about a millisecond.
/// </summary>
internal static partial class CheckoutStaleness
{
    /// <summary>Names the checkout ./sdock runs from; unset for an installed tool, which has no sources.</summary>
    public const string CheckoutVariable = "SDOCK_CHECKOUT";

    /// <summary>Set by this check when ./sdock must run the full build instead.</summary>
    public const string StaleVariable = "SDOCK_STALE";

    /// <summary>
    /// Returns when this process may go on; replaces it with ./sdock's full-build path when it is stale (and returns
    /// the reason only if that exec failed).
    /// </summary>
    public static string? EnsureFresh(string[] args)
    {
        if (!FullBuildHandOff.IsNativeBuild || Environment.GetEnvironmentVariable(CheckoutVariable) is not { Length: > 0 } checkout)
        {
            return null;
        }

        var self = Environment.ProcessPath;
        if (self is null || !IsStale(checkout, File.GetLastWriteTimeUtc(self), Environment.GetEnvironmentVariable(FullBuildHandOff.Variable)))
        {
            return null;
        }

        // .NET keeps its own copy of the environment, so the exec gets it spelled out.
        var environment = new List<string?>();
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if ((string)variable.Key is not (CheckoutVariable or StaleVariable))
            {
                environment.Add($"{variable.Key}={variable.Value}");
            }
        }

        environment.Add($"{StaleVariable}=1");
        environment.Add(null);
        var wrapper = Path.Combine(checkout, "sdock");
        string?[] argv = ["sh", wrapper, .. args, null];
        execve("/bin/sh", argv, [.. environment]);
        return $"this native build is older than the sources, and running {wrapper} for the full build failed: {Marshal.GetLastPInvokeErrorMessage()}";
    }

    /// <summary>True when a source of <paramref name="checkout"/> is newer than <paramref name="built"/>, or the full build is missing.</summary>
    internal static bool IsStale(string checkout, DateTime built, string? fullBuild)
    {
        if (string.IsNullOrEmpty(fullBuild) || !File.Exists(fullBuild))
        {
            return true;
        }

        foreach (var props in Directory.EnumerateFiles(checkout, "Directory.*.props"))
        {
            if (File.GetLastWriteTimeUtc(props) > built)
            {
                return true;
            }
        }

        var src = Path.Combine(checkout, "src");
        if (!Directory.Exists(src))
        {
            return false;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (var file in new DirectoryInfo(src).EnumerateFiles("*", options))
        {
            if ((file.Name.EndsWith(".cs", StringComparison.Ordinal) || file.Name.EndsWith(".csproj", StringComparison.Ordinal))
                && file.LastWriteTimeUtc > built)
            {
                return true;
            }
        }

        return false;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execve(string path, string?[] argv, string?[] envp);
}
