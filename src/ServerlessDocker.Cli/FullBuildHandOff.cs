using System.Runtime.InteropServices;

namespace ServerlessDocker.Cli;

/// <summary>
/// The native build of sdock (NativeAOT, for a docker-like start-up) carries the short-lived commands only. The
/// long-running servers (`serve`, `proxy`) and scoped runs need the gateway and the proxy, so the native build hands
/// them to the full build by replacing its own process: the same PID, stdio and signals, and the same arguments.
/// </summary>
internal static partial class FullBuildHandOff
{
    /// <summary>Names the full build's sdock.dll; ./sdock sets it. Unset, the full build is the one in full/ beside the
    /// native executable (the .NET tool package puts it there).</summary>
    public const string Variable = "SDOCK_FULL_CLI";

#if SDOCK_NATIVE
    /// <summary>True in the native build.</summary>
    public const bool IsNativeBuild = true;
#else
    /// <summary>True in the native build.</summary>
    public const bool IsNativeBuild = false;
#endif

    /// <summary>True when this process is the native build and the command belongs to the full one.</summary>
    public static bool IsNeeded(string[] args) => IsNativeBuild && args is ["serve" or "proxy", ..];

    /// <summary>Replaces this process with `dotnet $SDOCK_FULL_CLI ARGS...`; returns only on failure, with the reason (<paramref name="what"/> names the command).</summary>
    public static InvalidCommandException Exec(string[] args, string what)
    {
        var dll = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(dll))
        {
            // The installed .NET tool carries the full build beside the native one.
            var bundled = Path.Combine(AppContext.BaseDirectory, "full", "sdock.dll");
            dll = File.Exists(bundled) ? bundled : null;
        }

        if (string.IsNullOrEmpty(dll) || !File.Exists(dll))
        {
            return new InvalidCommandException(Variable, $"{what} runs in the full build of sdock, and {Variable} does not name its sdock.dll; run it through ./sdock.");
        }

        string?[] argv = ["dotnet", dll, .. args, null];
        execvp("dotnet", argv);
        return new InvalidCommandException(Variable, $"cannot start the full build ({dll}) with dotnet: {Marshal.GetLastPInvokeErrorMessage()}.");
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execvp(string file, string?[] argv);
}
