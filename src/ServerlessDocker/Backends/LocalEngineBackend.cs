using System.IO.Pipelines;
using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>
/// Runs functions as containers on one Docker engine.
/// </summary>
/// <remarks>
/// The order of operations loses no output and no exit code:
/// 1. create (pulling and retrying with the identical spec when the image is missing);
/// 2. attach (stdout, stderr and, when there is input, stdin) before start, so even the first byte is caught;
/// 3. start; 4. feed stdin then half-close it, while draining stdout/stderr into bounded pipes;
/// 5. wait for the exit code; 6. remove — always, also on failure, timeout and cancellation.
/// </remarks>
public sealed class LocalEngineBackend : IFunctionBackend
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);
    private readonly DockerClient _client;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;

    /// <summary>Creates a backend over a Docker.DotNet client.</summary>
    public LocalEngineBackend(DockerClient client, Uri endpoint, TimeProvider? timeProvider = null)
    {
        _client = client;
        _endpoint = endpoint;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "local";

    /// <summary>The engine client this backend uses.</summary>
    public DockerClient Client => _client;

    internal Uri Endpoint => _endpoint;

    /// <inheritdoc />
    public async Task<ContainerResult> ExecuteAsync(
        ContainerCommand command, Action<string>? onCreated, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startTime = _time.GetUtcNow();
        using var timeoutCts = command.Timeout is { } timeout
            ? new CancellationTokenSource(timeout, _time)
            : new CancellationTokenSource();
        // Cancelled by the caller, the timeout, or a failing pipe: each stops and removes the container.
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var token = runCts.Token;

        var context = new ContainerCreationContext(command, Guid.NewGuid().ToString("N"));
        var cleanups = new List<IAsyncDisposable>();
        string? id = null;
        var stdoutTail = new TailBuffer();
        var stderrTail = new TailBuffer();
        Exception? pipeFailure = null;
        try
        {
            foreach (var hook in command.Hooks)
            {
                if (await hook.OnCreatingAsync(context, token).ConfigureAwait(false) is { } cleanup)
                {
                    cleanups.Add(cleanup);
                }
            }

            var hasStdin = !command.StandardInputPipe.IsNull;
            var parameters = ContainerSpecMapper.ToCreateParameters(command, context, hasStdin, detached: false);
            id = await CreateAsync(command, parameters, token).ConfigureAwait(false);
            onCreated?.Invoke(id);

            using var stream = await EngineErrors.CallAsync(_endpoint, "attach to the container", () =>
                _client.Containers.AttachContainerAsync(id, new ContainerAttachParameters
                {
                    Stream = true, Stdin = hasStdin, Stdout = true, Stderr = true,
                }, token)).ConfigureAwait(false);

            await EngineErrors.CallAsync(_endpoint, "start the container", () =>
                _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), token)).ConfigureAwait(false);

            var stdinTask = hasStdin ? FeedStdinAsync(command.StandardInputPipe, stream, token) : Task.CompletedTask;
            var stdoutPipe = new Pipe(OutputPump.PipeOptions);
            var stderrPipe = new Pipe(OutputPump.PipeOptions);
            var stdoutTask = OutputPump.ConsumeAsync(command.StandardOutputPipe, stdoutPipe.Reader, token);
            var stderrTask = OutputPump.ConsumeAsync(command.StandardErrorPipe, stderrPipe.Reader, token);
            var failFast = ObserveFailuresAsync([stdinTask, stdoutTask, stderrTask], runCts, e => pipeFailure ??= e);

            await DrainAsync(stream, stdoutPipe.Writer, stderrPipe.Writer, stdoutTail, stderrTail, token).ConfigureAwait(false);
            await Task.WhenAll(stdoutTask, stderrTask).ConfigureAwait(false);

            var createdId = id;
            var waitTask = EngineErrors.CallAsync(_endpoint, "wait for the container", () =>
                _client.Containers.WaitContainerAsync(createdId, token));
            if (!stdinTask.IsCompleted)
            {
                // The function exited without reading all its input: the engine reads no more of it, so the rest
                // would block forever. Once the container is gone, end the connection to stop feeding it.
                await waitTask.ConfigureAwait(false);
                if (!stdinTask.IsCompleted)
                {
                    stream.Dispose();
                }
            }

            await AwaitStdinAsync(stdinTask).ConfigureAwait(false);
            await failFast.ConfigureAwait(false);

            var wait = await waitTask.ConfigureAwait(false);
            var result = new ContainerResult(id, wait.StatusCode, startTime, _time.GetUtcNow());
            if (result.ExitCode != 0 && command.Validation == ResultValidation.ZeroExitCode)
            {
                throw new ContainerExitException(command.Image, command.Arguments, id, result.ExitCode,
                    stdoutTail.ToString(), stderrTail.ToString(), outputIsTail: true);
            }

            return result;
        }
        catch (Exception ex) when (pipeFailure is not null && ex is OperationCanceledException && !cancellationToken.IsCancellationRequested && !timeoutCts.IsCancellationRequested)
        {
            await StopAsync(id, command.StopGracePeriod).ConfigureAwait(false);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(pipeFailure);
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && timeoutCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await StopAsync(id, command.StopGracePeriod).ConfigureAwait(false);
            throw new ContainerTimeoutException(command.Image, id, command.Timeout!.Value);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            await StopAsync(id, command.StopGracePeriod).ConfigureAwait(false);
            throw new OperationCanceledException("The run was cancelled; its container was stopped and removed.", ex, cancellationToken);
        }
        catch (Exception ex) when (id is not null && ex is not ContainerExitException)
        {
            await StopAsync(id, command.StopGracePeriod).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (id is not null && command.RemoveAfterRun)
            {
                await RemoveQuietlyAsync(id).ConfigureAwait(false);
            }

            foreach (var cleanup in cleanups)
            {
                await cleanup.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<DetachedRun> StartDetachedAsync(ContainerCommand command, CancellationToken cancellationToken)
    {
        if (!command.StandardInputPipe.IsNull)
        {
            throw new InvalidCommandException("stdin", "a detached run has no stdin; use ExecuteAsync to feed input, or pass data through arguments or environment.");
        }

        var context = new ContainerCreationContext(command, Guid.NewGuid().ToString("N"));
        var cleanups = new List<IAsyncDisposable>();
        string? id = null;
        try
        {
            foreach (var hook in command.Hooks)
            {
                if (await hook.OnCreatingAsync(context, cancellationToken).ConfigureAwait(false) is { } cleanup)
                {
                    cleanups.Add(cleanup);
                }
            }

            var parameters = ContainerSpecMapper.ToCreateParameters(command, context, attachStdin: false, detached: true);
            id = await CreateAsync(command, parameters, cancellationToken).ConfigureAwait(false);
            var createdId = id;
            await EngineErrors.CallAsync(_endpoint, "start the container", () =>
                _client.Containers.StartContainerAsync(createdId, new ContainerStartParameters(), cancellationToken)).ConfigureAwait(false);
            return new LocalDetachedRun(this, id, command.Image, _time, cleanups);
        }
        catch
        {
            if (id is not null)
            {
                await RemoveQuietlyAsync(id).ConfigureAwait(false);
            }

            foreach (var cleanup in cleanups)
            {
                await cleanup.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Gets a handle to an existing function container by id or name.</summary>
    public async Task<DetachedRun> GetRunAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var inspect = await EngineErrors.CallAsync(_endpoint, $"find container {idOrName}", () =>
            _client.Containers.InspectContainerAsync(idOrName, cancellationToken)).ConfigureAwait(false);
        var image = inspect.Config?.Labels is { } labels && labels.TryGetValue(FunctionLabels.Image, out var i) ? i : inspect.Config?.Image ?? "";
        return new LocalDetachedRun(this, inspect.ID, image, _time, []);
    }

    internal async Task<string> CreateAsync(ContainerCommand command, CreateContainerParameters parameters, CancellationToken token)
    {
        if (command.PullPolicy == PullPolicy.Always)
        {
            await PullAsync(command, token).ConfigureAwait(false);
        }

        try
        {
            return await CreateContainerAsync(parameters).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (EngineErrors.IsNoSuchImage(ex))
        {
            if (command.PullPolicy == PullPolicy.Never)
            {
                throw new ImageNotFoundException(command.Image, PullPolicy.Never);
            }

            if (command.PullPolicy == PullPolicy.Always)
            {
                throw new ImageNotFoundException(command.Image, command.PullPolicy, EngineApiException.ExtractMessage(ex.ResponseBody));
            }
        }
        catch (Exception ex) when (EngineErrors.Translate(_endpoint, "create the container", ex) is { } translated)
        {
            throw translated;
        }

        await PullAsync(command, token).ConfigureAwait(false);
        // The identical spec again: a retry that rebuilt it could silently drop options.
        return await EngineErrors.CallAsync(_endpoint, "create the container", () => CreateContainerAsync(parameters)).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the container without ever abandoning the request half-way: an abandoned create can still leave a
    /// container behind whose id nobody learns. A create takes milliseconds; a cancellation that arrives meanwhile is
    /// honoured right after it, and the new container is then stopped and removed like any other.
    /// </summary>
    private async Task<string> CreateContainerAsync(CreateContainerParameters parameters)
    {
        using var cts = new CancellationTokenSource(CleanupTimeout, _time);
        try
        {
            return (await _client.Containers.CreateContainerAsync(parameters, cts.Token).ConfigureAwait(false)).ID;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new EngineUnavailableException(_endpoint,
                new TimeoutException($"the engine did not create the container within {CleanupTimeout.TotalSeconds:0}s"));
        }
    }

    private async Task PullAsync(ContainerCommand command, CancellationToken token)
    {
        var (fromImage, tag) = ContainerSpecMapper.SplitImage(command.Image);
        string? error = null;
        var progress = new Progress(message =>
        {
            if (message.Error is { Message: { Length: > 0 } e })
            {
                error = e;
            }

            if (command.PullProgress is { } p && message.Status is { } status)
            {
                p.Report(new PullProgress(command.Image, status, message.ID, message.Progress?.Current, message.Progress?.Total));
            }
        });
        try
        {
            await _client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = fromImage, Tag = tag }, null, progress, token).ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            throw new ImageNotFoundException(command.Image, command.PullPolicy, EngineApiException.ExtractMessage(ex.ResponseBody));
        }
        catch (Exception ex) when (EngineErrors.Translate(_endpoint, "pull the image", ex) is { } translated)
        {
            throw translated;
        }

        if (error is not null)
        {
            throw new ImageNotFoundException(command.Image, command.PullPolicy, error);
        }
    }

    private static async Task FeedStdinAsync(PipeSource source, MultiplexedStream stream, CancellationToken token)
    {
        await Task.Yield();
        try
        {
            await source.CopyToAsync(new StdinStream(stream), token).ConfigureAwait(false);
        }
        finally
        {
            // Half-close: the container reads EOF, while its output keeps flowing back to us.
            try
            {
                stream.CloseWrite();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
            }
        }
    }

    // A function that exits without reading all its input closes the pipe under us: that is not an error.
    private static async Task AwaitStdinAsync(Task stdinTask)
    {
        try
        {
            await stdinTask.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.GetType() == typeof(IOException) || ex is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task ObserveFailuresAsync(Task[] tasks, CancellationTokenSource runCts, Action<Exception> record)
    {
        var pending = tasks.ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            if (done.Exception?.GetBaseException() is { } ex && ex is not OperationCanceledException &&
                !(ex.GetType() == typeof(IOException) || ex is System.Net.Sockets.SocketException or ObjectDisposedException))
            {
                record(ex);
                await runCts.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private static async Task DrainAsync(
        MultiplexedStream stream, PipeWriter stdout, PipeWriter stderr, TailBuffer stdoutTail, TailBuffer stderrTail,
        CancellationToken token)
    {
        var buffer = new byte[81920];
        try
        {
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var chunk = buffer.AsMemory(0, read.Count);
                if (read.Target == MultiplexedStream.TargetStream.StandardError)
                {
                    stderrTail.Append(chunk.Span);
                    await OutputPump.WriteAsync(stderr, chunk, token).ConfigureAwait(false);
                }
                else
                {
                    stdoutTail.Append(chunk.Span);
                    await OutputPump.WriteAsync(stdout, chunk, token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await stdout.CompleteAsync().ConfigureAwait(false);
            await stderr.CompleteAsync().ConfigureAwait(false);
        }
    }

    internal async Task StopAsync(string? id, TimeSpan grace)
    {
        if (id is null)
        {
            return;
        }

        using var cts = new CancellationTokenSource(CleanupTimeout, _time);
        try
        {
            await _client.Containers.StopContainerAsync(id, new ContainerStopParameters
            {
                WaitBeforeKillSeconds = (uint)Math.Ceiling(grace.TotalSeconds),
            }, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerApiException or OperationCanceledException or HttpRequestException or IOException)
        {
            // Already gone or not running; removal (forced) follows anyway.
        }
    }

    internal async Task RemoveQuietlyAsync(string id)
    {
        using var cts = new CancellationTokenSource(CleanupTimeout, _time);
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cts.Token)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (EngineErrors.IsNotFound(ex) || ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Gone already, or its removal is already in progress.
        }
    }

    private sealed class Progress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }

    /// <summary>A write-only stream over the attach connection's stdin side.</summary>
    private sealed class StdinStream(MultiplexedStream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(buffer, out var segment))
            {
                await inner.WriteAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var copy = buffer.ToArray();
                await inner.WriteAsync(copy, 0, copy.Length, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
