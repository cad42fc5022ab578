using System.Net.Sockets;
using System.Runtime.InteropServices;
using ServerlessDocker.Warm;

namespace ServerlessDocker.WarmAgent;

/// <summary>
/// The agent: listens on a unix socket, runs one call per connection, and lives as long as the host's hold
/// connection stays open. As PID 1 it reaps every process and forwards SIGTERM/SIGINT to the running calls.
/// </summary>
internal static class Agent
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Calls = [];
    private static int _holds;

    public static int Run(string socketPath)
    {
        Reaper.Start();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            File.Delete(socketPath);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            // Any user may connect: the host side may run as another uid than the container's user.
            File.SetUnixFileMode(socketPath, (UnixFileMode)0x1b6); // 0666
            listener.Listen(64);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"sdock-agent: cannot listen on {socketPath}: {ex.Message}");
            return 2;
        }

        while (true)
        {
            Socket connection;
            try
            {
                connection = listener.Accept();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.Interrupted)
            {
                continue;
            }

            new Thread(() => Serve(connection)) { IsBackground = true, Name = "call" }.Start();
        }
    }

    /// <summary>
    /// The attach transport: frames on the agent's own stdin/stdout, one call after another. The host answers for the
    /// container's stdin (StdinOnce), so its end — the host gone — ends the agent.
    /// </summary>
    public static int RunStdio()
    {
        Reaper.Start();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var channel = new FrameChannel(Console.OpenStandardInput(), Console.OpenStandardOutput());
        try
        {
            while (channel.Read() is { } frame)
            {
                switch (frame.Type)
                {
                    case WarmFrameType.Hold:
                        channel.Send(WarmFrames.EncodeInt(WarmFrameType.Ready, Environment.ProcessId));
                        break;
                    case WarmFrameType.Start:
                        new CallSession(channel, WarmFrames.DecodeStart(frame.Payload)).Run();
                        break;
                    case WarmFrameType.Done:
                        break; // a call already over on this side
                    default:
                        throw new InvalidDataException($"between calls, {frame.Type} makes no sense");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"sdock-agent: {ex.Message}");
        }

        Shutdown(Libc.SIGKILL, 0);
        return 0;
    }

    public static void CallStarted(int pid)
    {
        lock (Gate)
        {
            Calls.Add(pid);
        }
    }

    public static void CallEnded(int pid)
    {
        lock (Gate)
        {
            Calls.Remove(pid);
            Monitor.PulseAll(Gate);
        }
    }

    private static void Serve(Socket connection)
    {
        using var channel = new FrameChannel(connection);
        try
        {
            if (channel.Read() is not { } first)
            {
                return;
            }

            switch (first.Type)
            {
                case WarmFrameType.Hold:
                    Hold(channel);
                    break;
                case WarmFrameType.Start:
                    new CallSession(channel, WarmFrames.DecodeStart(first.Payload)).Run();
                    break;
                default:
                    throw new InvalidDataException($"a connection starts with Hold or Start, not {first.Type}");
            }
        }
        catch (Exception ex)
        {
            // PID 1 of the container: one confused call must not take the agent, and every later call, with it.
            Console.Error.WriteLine($"sdock-agent: {ex.Message}");
        }
    }

    /// <summary>The host's hold connection: answered with Ready; when it ends, the host is gone and so is the agent.</summary>
    private static void Hold(FrameChannel channel)
    {
        Interlocked.Increment(ref _holds);
        channel.Send(WarmFrames.EncodeInt(WarmFrameType.Ready, Environment.ProcessId));
        try
        {
            while (channel.Read() is not null)
            {
                // Nothing else travels on a hold connection.
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
        {
            // Broken is gone.
        }

        if (Interlocked.Decrement(ref _holds) == 0)
        {
            Shutdown(Libc.SIGKILL, 0);
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        var signal = context.Signal == PosixSignal.SIGINT ? Libc.SIGINT : Libc.SIGTERM;
        new Thread(() => Shutdown(signal, 10_000)) { IsBackground = true }.Start();
    }

    /// <summary>Signals every running call's group, waits (at most <paramref name="waitMilliseconds"/>) for them, exits.</summary>
    private static void Shutdown(int signal, int waitMilliseconds)
    {
        int[] calls;
        lock (Gate)
        {
            calls = [.. Calls];
        }

        foreach (var pid in calls)
        {
            Libc.kill(-pid, signal);
        }

        var deadline = Environment.TickCount64 + waitMilliseconds;
        lock (Gate)
        {
            while (Calls.Count > 0 && Environment.TickCount64 < deadline)
            {
                Monitor.Wait(Gate, (int)Math.Max(1, deadline - Environment.TickCount64));
            }
        }

        Environment.Exit(0);
    }
}
