using System.Net.Sockets;

namespace ServerlessDocker.Warm;

/// <summary>
/// One call in a warm container, driven by the core's run lifecycle like any other run: a connection to the agent,
/// a Start frame, stdin in (within the agent's window), stdout and stderr out (only as fast as the targets take
/// them), the exit code. Stopping kills the call's process group, not the container.
/// </summary>
internal sealed class WarmCall(WarmPool pool, WarmSlots.Slot slot, FunctionRunContext context, WarmStart start) : IFunctionRun
{
    /// <summary>How long a killed call may take to report its exit before its container is given up.</summary>
    private static readonly TimeSpan KillAnswerTimeout = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource<long> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly object _creditGate = new();
    private int _credit = WarmFrames.StdinWindow;
    private TaskCompletionSource? _creditWaiter;
    private Stream? _connection;
    private Task _reader = Task.CompletedTask;
    private Task _stdin = Task.CompletedTask;
    private CancellationTokenSource? _stdinCts;
    private CancellationToken _outputToken;
    private bool _containerDied;
    private bool _broken;

    public string Id => slot.Container.Id;

    public async Task<FunctionExit> RunToExitAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _outputToken = cancellationToken;
        try
        {
            _connection = await slot.Container.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await SendAsync(WarmFrames.EncodeStart(start), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            // The agent is gone: the container died between calls, like a cold container dying at start.
            _broken = true;
            return new FunctionExit(await ContainerExitAsync(ex).ConfigureAwait(false));
        }

        _reader = ReadAsync(started);
        await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (context.HasStandardInput)
        {
            _stdinCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _stdin = context.FeedStandardInputAsync(new StdinStream(this), SendStdinEof, _stdinCts.Token);
        }
        else
        {
            await TrySendAsync(WarmFrames.Encode(WarmFrameType.StdinEof, []), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return new FunctionExit(await _exit.Task.WaitAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            if (_stdinCts is not null && !_stdin.IsCompleted)
            {
                // The call exited (or is abandoned) before it read all its input: stop feeding it.
                await _stdinCts.CancelAsync().ConfigureAwait(false);
            }

            await _stdin.ConfigureAwait(false);
        }
    }

    public Task<DetachedRun> StartDetachedAsync(CancellationToken cancellationToken) =>
        throw new InvalidCommandException("detached", "a warm pool runs calls attached; start a detached run on the local backend.");

    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (_connection is null || _exit.Task.IsCompleted)
        {
            return;
        }

        // SIGTERM to the call's group, SIGKILL after the grace period: the container survives for the next call.
        if (await TrySendAsync(WarmFrames.EncodeKill(15), CancellationToken.None).ConfigureAwait(false) &&
            await ExitsWithinAsync(gracePeriod).ConfigureAwait(false))
        {
            return;
        }

        if (await TrySendAsync(WarmFrames.EncodeKill(9), CancellationToken.None).ConfigureAwait(false) &&
            await ExitsWithinAsync(KillAnswerTimeout).ConfigureAwait(false))
        {
            return;
        }

        _broken = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_exit.Task.IsCompleted && _connection is not null)
        {
            // A call that may still run: the container is not handed out again.
            _broken = true;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        await _reader.ConfigureAwait(false);
        _stdinCts?.Dispose();
        _sendLock.Dispose();
        pool.Release(slot, reusable: !_broken && !_containerDied);
    }

    private async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        try
        {
            await _exit.Task.WaitAsync(timeout, pool.Time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return true; // It ended, one way or another.
        }
    }

    /// <summary>Every frame from the agent until Exited or the end of the connection. Never faults.</summary>
    private async Task ReadAsync(TaskCompletionSource started)
    {
        await Task.Yield();
        // The agent sends nothing bigger than an output chunk.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(WarmFrames.MaxChunk + 1024);
        var discard = false;
        try
        {
            while (await WarmFrameReader.ReadAsync(_connection!, buffer, CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                switch (frame.Type)
                {
                    case WarmFrameType.Started:
                        started.TrySetResult();
                        break;
                    case WarmFrameType.StartFailed:
                        var (code, message) = WarmFrames.DecodeStartFailed(frame.Payload.Span);
                        var failure = new ContainerStartException(context.Command.Image, start.Arguments, code, message);
                        started.TrySetException(failure);
                        _exit.TrySetException(failure);
                        return;
                    case WarmFrameType.Stdout or WarmFrameType.Stderr when !discard:
                        try
                        {
                            await (frame.Type == WarmFrameType.Stdout
                                ? context.WriteStandardOutputAsync(frame.Payload, _outputToken)
                                : context.WriteStandardErrorAsync(frame.Payload, _outputToken)).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            discard = true; // Abandoned: keep reading, for the exit after the kill.
                        }

                        break;
                    case WarmFrameType.StdinAck:
                        AddCredit(WarmFrames.DecodeInt(frame.Payload.Span));
                        break;
                    case WarmFrameType.Exited:
                        _exit.TrySetResult(WarmFrames.DecodeInt(frame.Payload.Span));
                        started.TrySetResult();
                        return;
                }
            }

            throw new EndOfStreamException("the agent closed the call without an exit code");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            if (_exit.Task.IsCompleted)
            {
                return;
            }

            // The agent went away mid-call: the container died (kill 1, out of memory). Report it as a cold run
            // would — the container's exit code — and replace the container.
            _containerDied = true;
            try
            {
                var code = await ContainerExitAsync(ex).ConfigureAwait(false);
                _exit.TrySetResult(code);
            }
            catch (Exception failure) when (failure is ServerlessDockerException)
            {
                _exit.TrySetException(failure);
            }

            started.TrySetResult();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            AddCredit(int.MaxValue / 2); // Nobody waits for stdin credit after the call.
        }
    }

    private async Task<long> ContainerExitAsync(Exception cause)
    {
        _containerDied = true;
        if (await slot.Container.WaitForExitAsync(KillAnswerTimeout).ConfigureAwait(false) is { } code)
        {
            return code;
        }

        throw new WarmPoolException(context.Command.Image, slot.Container.Id, "its agent stopped answering in the middle of a call; the container is replaced.", cause);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _connection!.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<bool> TrySendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    private void SendStdinEof() =>
        TrySendAsync(WarmFrames.Encode(WarmFrameType.StdinEof, []), CancellationToken.None).GetAwaiter().GetResult();

    private void AddCredit(int bytes)
    {
        TaskCompletionSource? waiter;
        lock (_creditGate)
        {
            _credit = (int)Math.Min((long)_credit + bytes, int.MaxValue / 2);
            waiter = _creditWaiter;
            _creditWaiter = null;
        }

        waiter?.TrySetResult();
    }

    private async ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            Task wait;
            int take;
            lock (_creditGate)
            {
                take = Math.Min(Math.Min(data.Length, WarmFrames.MaxChunk), _credit);
                if (take > 0)
                {
                    _credit -= take;
                    wait = Task.CompletedTask;
                }
                else
                {
                    _creditWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _creditWaiter.Task;
                }
            }

            if (take == 0)
            {
                // The agent has this much unwritten: wait until the call takes some.
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var frame = new byte[WarmFrames.HeaderSize + take];
            WarmFrames.WriteHeader(frame, WarmFrameType.Stdin, take);
            data.Span[..take].CopyTo(frame.AsSpan(WarmFrames.HeaderSize));
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
            data = data[take..];
        }
    }

    /// <summary>The call's stdin as a write-only stream of Stdin frames.</summary>
    private sealed class StdinStream(WarmCall call) : Internal.WriteOnlyStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            call.WriteStdinAsync(buffer, cancellationToken);
    }
}
