using System.Runtime.InteropServices;

namespace ServerlessDocker.WarmAgent;

/// <summary>The exit of one call's process, set by the reaper.</summary>
internal sealed class CallExit
{
    private readonly ManualResetEventSlim _done = new();
    private int _code;

    public int Code => _code;

    public bool HasExited => _done.IsSet;

    public void Set(int code)
    {
        _code = code;
        _done.Set();
    }

    public bool Wait(int milliseconds) => _done.Wait(milliseconds);
}

/// <summary>
/// One thread reaps every child with waitpid(-1): the calls, and as PID 1 (or a subreaper) every orphan the calls
/// leave, so no zombie accumulates between calls.
/// </summary>
internal static unsafe class Reaper
{
    /// <summary>Held while spawning and registering, so the reaper never sees a pid it does not know yet.</summary>
    public static readonly object Gate = new();

    private static readonly Dictionary<int, CallExit> Calls = [];

    public static void Start()
    {
        // Orphans of the calls come back to us even when we are not PID 1 (a test on the host, `docker run --init`).
        Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        new Thread(Run) { IsBackground = true, Name = "reaper" }.Start();
    }

    /// <summary>Call under <see cref="Gate"/>, right after the spawn.</summary>
    public static CallExit Register(int pid)
    {
        var exit = new CallExit();
        Calls[pid] = exit;
        Monitor.PulseAll(Gate);
        return exit;
    }

    /// <summary>The pids of the calls still running.</summary>
    public static int[] Running()
    {
        lock (Gate)
        {
            return [.. Calls.Keys];
        }
    }

    private static void Run()
    {
        while (true)
        {
            int status;
            var pid = Libc.waitpid(-1, &status, 0);
            if (pid > 0)
            {
                lock (Gate)
                {
                    if (Calls.Remove(pid, out var exit))
                    {
                        exit.Set(Libc.ExitCodeOf(status));
                    }
                }

                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.ECHILD)
            {
                lock (Gate)
                {
                    // Nothing to reap until the next spawn; the timeout covers orphans adopted meanwhile.
                    Monitor.Wait(Gate, 1000);
                }
            }
        }
    }
}
