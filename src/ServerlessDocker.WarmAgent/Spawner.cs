using System.Runtime.InteropServices;
using System.Text;
using ServerlessDocker.Warm;

namespace ServerlessDocker.WarmAgent;

/// <summary>A call's process as it was spawned: its pid (also its process group) and the parent's pipe ends.</summary>
internal sealed record SpawnedCall(int Pid, int StdinWrite, int StdoutRead, int StderrRead, CallExit Exit);

/// <summary>Why a call could not start, with the exit code a cold run reports for it.</summary>
internal sealed class SpawnFailedException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// Starts a call with posix_spawn: the pipes on 0/1/2, the working directory, every signal back to its default and
/// none blocked (the runtime ignores SIGPIPE, which exec would otherwise pass on), in a new session so one signal
/// reaches the call and all its children.
/// </summary>
internal static unsafe class Spawner
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static SpawnedCall Spawn(WarmStart start)
    {
        var env = MergeEnvironment(start.Environment);
        var path = Resolve(start.Arguments[0], env, start.WorkingDirectory);
        if (start.WorkingDirectory.Length > 0)
        {
            // The engine creates a missing working directory for a cold run; so does the agent.
            try
            {
                Directory.CreateDirectory(start.WorkingDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // posix_spawn reports the directory as the failure.
            }
        }

        int* fds = stackalloc int[6];
        for (var i = 0; i < 3; i++)
        {
            if (Libc.pipe2(fds + (2 * i), Libc.O_CLOEXEC) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                for (var j = 0; j < 2 * i; j++)
                {
                    Libc.close(fds[j]);
                }

                throw new SpawnFailedException(126, $"pipe2 failed: errno {errno}");
            }
        }

        int stdinRead = fds[0], stdinWrite = fds[1], stdoutRead = fds[2], stdoutWrite = fds[3], stderrRead = fds[4], stderrWrite = fds[5];
        var actions = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var attr = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var sigset = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var strings = new List<nint>();
        try
        {
            Libc.posix_spawn_file_actions_init(actions);
            Libc.posix_spawn_file_actions_adddup2(actions, stdinRead, 0);
            Libc.posix_spawn_file_actions_adddup2(actions, stdoutWrite, 1);
            Libc.posix_spawn_file_actions_adddup2(actions, stderrWrite, 2);
            if (start.WorkingDirectory.Length > 0)
            {
                Libc.posix_spawn_file_actions_addchdir_np(actions, Utf8(start.WorkingDirectory, strings));
            }

            Libc.posix_spawnattr_init(attr);
            Libc.posix_spawnattr_setflags(attr, (short)(Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSID));
            Libc.sigfillset(sigset);
            Libc.posix_spawnattr_setsigdefault(attr, sigset);
            Libc.sigemptyset(sigset);
            Libc.posix_spawnattr_setsigmask(attr, sigset);

            var argv = StringArray(start.Arguments, strings);
            var envp = StringArray(env, strings);
            var file = Utf8(path, strings);
            int pid;
            CallExit exit;
            // Registered with the reaper before it can see the pid: the spawn and the registration are one step.
            lock (Reaper.Gate)
            {
                var rc = Libc.posix_spawn(&pid, file, actions, attr, argv, envp);
                if (rc != 0)
                {
                    var code = rc is Libc.ENOENT ? 127 : 126;
                    throw new SpawnFailedException(code,
                        $"exec: \"{start.Arguments[0]}\": {(rc == Libc.ENOENT ? "no such file or directory" : Marshal.GetPInvokeErrorMessage(rc).ToLowerInvariant())}");
                }

                exit = Reaper.Register(pid);
            }

            Libc.close(stdinRead);
            Libc.close(stdoutWrite);
            Libc.close(stderrWrite);
            return new SpawnedCall(pid, stdinWrite, stdoutRead, stderrRead, exit);
        }
        catch
        {
            for (var j = 0; j < 6; j++)
            {
                Libc.close(fds[j]);
            }

            throw;
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(actions);
            Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            foreach (var s in strings)
            {
                NativeMemory.Free((void*)s);
            }
        }
    }

    /// <summary>The agent's own environment, as the engine and runtime made it.</summary>
    private static readonly string[] OwnEnvironment = ReadOwnEnvironment();

    /// <summary>
    /// A call's environment built the way the engine builds a cold container's: PATH and HOSTNAME first (the agent's
    /// own: the engine's default PATH or the image's, the container's hostname), the call's config environment (image
    /// ENV merged with the command's, by the host) replacing or appended, then HOME when still missing, as the
    /// runtime adds it.
    /// </summary>
    public static List<string> MergeEnvironment(IReadOnlyList<string> callEnvironment)
    {
        var merged = new List<string>();
        foreach (var name in (ReadOnlySpan<string>)["PATH=", "HOSTNAME="])
        {
            if (Array.Find(OwnEnvironment, e => e.StartsWith(name, StringComparison.Ordinal)) is { } own)
            {
                merged.Add(own);
            }
        }

        foreach (var entry in callEnvironment)
        {
            var eq = entry.IndexOf('=');
            var prefix = eq > 0 ? entry[..(eq + 1)] : entry + "=";
            var at = merged.FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
            if (at >= 0)
            {
                merged[at] = entry;
            }
            else
            {
                merged.Add(entry);
            }
        }

        if (!merged.Exists(e => e.StartsWith("HOME=", StringComparison.Ordinal)) &&
            Array.Find(OwnEnvironment, e => e.StartsWith("HOME=", StringComparison.Ordinal)) is { } home)
        {
            merged.Add(home);
        }

        return merged;
    }

    private static string[] ReadOwnEnvironment()
    {
        try
        {
            // In order, unlike Environment.GetEnvironmentVariables().
            return File.ReadAllText("/proc/self/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [.. Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key}={e.Value}")];
        }
    }

    /// <summary>
    /// Finds argv[0] the way the engine does for a cold run: a name with a slash as it is, else the first executable
    /// file of that name in the call's PATH. Not found is 127; found but not executable is 126.
    /// </summary>
    public static string Resolve(string name, IReadOnlyList<string> environment, string workingDirectory)
    {
        if (name.Contains('/'))
        {
            return name;
        }

        var pathValue = environment.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        var notExecutable = false;
        foreach (var dir in pathValue.Split(':'))
        {
            var directory = dir.Length == 0 ? "." : dir;
            if (!directory.StartsWith('/') && workingDirectory.Length > 0)
            {
                directory = Path.Combine(workingDirectory, directory);
            }

            var candidate = directory + "/" + name;
            if (!File.Exists(candidate))
            {
                continue;
            }

            if (IsExecutable(candidate))
            {
                return candidate;
            }

            notExecutable = true;
        }

        throw notExecutable
            ? new SpawnFailedException(126, $"exec: \"{name}\": permission denied")
            : new SpawnFailedException(127, $"exec: \"{name}\": executable file not found in $PATH");
    }

    private static bool IsExecutable(string path)
    {
        var strings = new List<nint>();
        try
        {
            return Libc.access(Utf8(path, strings), Libc.X_OK) == 0;
        }
        finally
        {
            foreach (var s in strings)
            {
                NativeMemory.Free((void*)s);
            }
        }
    }

    private static byte* Utf8(string value, List<nint> owned)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var p = (byte*)NativeMemory.Alloc((nuint)count + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(p, count));
        p[count] = 0;
        owned.Add((nint)p);
        return p;
    }

    private static byte** StringArray(IReadOnlyList<string> values, List<nint> owned)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        owned.Add((nint)array);
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = Utf8(values[i], owned);
        }

        array[values.Count] = null;
        return array;
    }
}
