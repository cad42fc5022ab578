using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ServerlessDocker.Warm;

namespace ServerlessDocker.WarmAgent;

/// <summary>
/// One call on one connection: spawn, stream stdin in and stdout/stderr out, forward signals, report the exit.
/// Memory is bounded both ways: output is read in 64 KiB chunks only as fast as the host takes them (a blocking
/// socket), and the host sends no more stdin than the window the agent has acknowledged.
/// </summary>
internal sealed unsafe class CallSession(FrameChannel channel, WarmStart start)
{
    /// <summary>How long output may still arrive after the call and its group are gone (a setsid grandchild holding a pipe).</summary>
    private const int DrainMilliseconds = 500;

    private readonly BlockingCollection<byte[]?> _stdin = new();
    private readonly object _ackGate = new();
    private SpawnedCall _call = null!;
    private volatile bool _finished;

    public void Run()
    {
        try
        {
            _call = Spawner.Spawn(start);
        }
        catch (SpawnFailedException ex)
        {
            channel.TrySend(WarmFrames.EncodeStartFailed(ex.ExitCode, ex.Message));
            channel.ShutdownSend();
            if (channel.Shared)
            {
                SkipToDone();
            }

            return;
        }

        Agent.CallStarted(_call.Pid);
        channel.TrySend(WarmFrames.EncodeInt(WarmFrameType.Started, _call.Pid));
        var stdout = StartThread(() => Pump(_call.StdoutRead, WarmFrameType.Stdout), "stdout");
        var stderr = StartThread(() => Pump(_call.StderrRead, WarmFrameType.Stderr), "stderr");
        StartThread(FeedStdin, "stdin");
        var finish = StartThread(() => Finish(stdout, stderr), "exit");
        ReadFrames();
        if (channel.Shared)
        {
            // The next call comes on the same stream: this one's last frame must be out first.
            finish.Join();
        }
    }

    /// <summary>On a shared stream, the frames of a call that did not start, up to the host's Done.</summary>
    private void SkipToDone()
    {
        while (channel.Read() is { } frame && frame.Type != WarmFrameType.Done)
        {
        }
    }

    private static Thread StartThread(ThreadStart body, string name)
    {
        var thread = new Thread(body) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    /// <summary>The connection's frames from the host until it closes; a host gone mid-call kills the call.</summary>
    private void ReadFrames()
    {
        var hostGone = true;
        try
        {
            while (channel.Read() is { } frame)
            {
                switch (frame.Type)
                {
                    case WarmFrameType.Stdin:
                        _stdin.Add(frame.Payload);
                        break;
                    case WarmFrameType.StdinEof:
                        _stdin.CompleteAdding();
                        break;
                    case WarmFrameType.Kill:
                        Signal(WarmFrames.DecodeKill(frame.Payload));
                        break;
                    case WarmFrameType.Done:
                        hostGone = !_finished;
                        return;
                    default:
                        throw new InvalidDataException($"unexpected {frame.Type} frame during a call");
                }
            }

            hostGone = !_finished;
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException or InvalidOperationException or ObjectDisposedException)
        {
            // A broken connection or a confused host: either way nobody waits for this call any more.
        }
        finally
        {
            if (hostGone)
            {
                Signal(Libc.SIGKILL);
            }

            _stdin.CompleteAdding();
        }
    }

    private void Signal(int signal)
    {
        if (!_call.Exit.HasExited || signal == Libc.SIGKILL)
        {
            // The whole session/group: the call and every child it started.
            Libc.kill(-_call.Pid, signal);
        }
    }

    private void FeedStdin()
    {
        var fd = _call.StdinWrite;
        try
        {
            foreach (var chunk in _stdin.GetConsumingEnumerable())
            {
                if (chunk is null || !WriteAll(fd, chunk))
                {
                    break;
                }

                Acknowledge(chunk.Length);
            }
        }
        finally
        {
            // EOF for the call; anything the host still sends is acknowledged and dropped, so it never blocks.
            Libc.CloseQuietly(ref fd);
            foreach (var chunk in _stdin.GetConsumingEnumerable())
            {
                Acknowledge(chunk?.Length ?? 0);
            }
        }
    }

    /// <summary>Credit back to the host, never after Exited: on a shared stream it would land in the next call.</summary>
    private void Acknowledge(int bytes)
    {
        lock (_ackGate)
        {
            if (!_finished)
            {
                channel.TrySend(WarmFrames.EncodeInt(WarmFrameType.StdinAck, bytes));
            }
        }
    }

    private static bool WriteAll(int fd, byte[] data)
    {
        fixed (byte* p = data)
        {
            var written = 0;
            while (written < data.Length)
            {
                var n = Libc.write(fd, p + written, data.Length - written);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Libc.EINTR)
                    {
                        continue;
                    }

                    return false; // EPIPE: the call stopped reading, as a cold run's would.
                }

                written += (int)n;
            }
        }

        return true;
    }

    private void Pump(int fd, WarmFrameType type)
    {
        var buffer = new byte[WarmFrames.HeaderSize + WarmFrames.MaxChunk];
        long drainUntil = 0;
        try
        {
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
                    var ready = Libc.poll(&pfd, 1, 100);
                    if (ready == 0)
                    {
                        if (_call.Exit.HasExited)
                        {
                            var now = Environment.TickCount64;
                            drainUntil = drainUntil == 0 ? now + DrainMilliseconds : drainUntil;
                            if (now >= drainUntil)
                            {
                                return;
                            }
                        }

                        continue;
                    }

                    if (ready < 0)
                    {
                        if (Marshal.GetLastPInvokeError() == Libc.EINTR)
                        {
                            continue;
                        }

                        return;
                    }

                    var n = Libc.read(fd, p + WarmFrames.HeaderSize, WarmFrames.MaxChunk);
                    if (n < 0 && Marshal.GetLastPInvokeError() is Libc.EINTR or Libc.EAGAIN)
                    {
                        continue;
                    }

                    if (n <= 0)
                    {
                        return;
                    }

                    // A blocking send: a host that reads slowly slows the call down instead of growing a buffer.
                    channel.Send(type, buffer, (int)n);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            // The host is gone; the reader kills the call.
        }
        finally
        {
            Libc.CloseQuietly(ref fd);
        }
    }

    private void Finish(Thread stdout, Thread stderr)
    {
        _call.Exit.Wait(Timeout.Infinite);
        // What the call left running in its group goes with it, as a cold container's processes go with PID 1.
        Libc.kill(-_call.Pid, Libc.SIGKILL);
        try
        {
            stdout.Join();
            stderr.Join();
            lock (_ackGate)
            {
                _finished = true;
                channel.TrySend(WarmFrames.EncodeInt(WarmFrameType.Exited, _call.Exit.Code));
            }

            channel.ShutdownSend();
        }
        finally
        {
            // Only now: an agent shutting down (SIGTERM) waits for this, so the host gets the call's output and exit.
            Agent.CallEnded(_call.Pid);
        }
    }
}
