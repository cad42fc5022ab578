using System.IO.Pipelines;
using Docker.DotNet;

namespace ServerlessDocker.Warm;

/// <summary>
/// A warm container reached through its attach stream: the agent reads frames on its stdin and writes them on its
/// stdout, one call after another. A pump moves the agent's stdout into a bounded pipe (its stderr carries only the
/// agent's own diagnostics and is dropped); its end means the container is gone.
/// </summary>
internal sealed class AttachedWarmContainer : IWarmContainer
{
    private readonly LocalEngineBackend _engine;
    private readonly MultiplexedStream _stream;
    private readonly Pipe _frames = new(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
    private readonly Stream _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _pump;
    private volatile bool _alive = true;
    private int _removed;

    public AttachedWarmContainer(LocalEngineBackend engine, string id, MultiplexedStream stream)
    {
        _engine = engine;
        Id = id;
        _stream = stream;
        _reader = _frames.Reader.AsStream(leaveOpen: true);
        _pump = PumpAsync();
    }

    public string Id { get; }

    public bool IsAlive => _alive;

    /// <summary>Asks the agent for Ready; throws <see cref="WarmPoolException"/> when it does not answer in time.</summary>
    public async Task HandshakeAsync(string image, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var answer = new CancellationTokenSource(timeout, _engine.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(answer.Token, cancellationToken);
        try
        {
            await WriteAsync(WarmFrames.Encode(WarmFrameType.Hold, []), linked.Token).ConfigureAwait(false);
            var frame = await WarmFrameReader.ReadAsync(_reader, new byte[64], linked.Token).ConfigureAwait(false);
            if (frame?.Type == WarmFrameType.Ready)
            {
                return;
            }
        }
        catch (OperationCanceledException) when (answer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Reported below.
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            throw new WarmPoolException(image, Id, $"its agent did not answer on the attach stream: {ex.Message}", ex);
        }

        throw new WarmPoolException(image, Id,
            $"its agent did not answer on the attach stream within {timeout.TotalSeconds:0}s; check that the agent is the static build from scripts/agent.");
    }

    public Task<Stream> ConnectAsync(CancellationToken cancellationToken) =>
        _alive ? Task.FromResult<Stream>(new CallStream(this)) : Task.FromException<Stream>(new IOException("the warm container's attach stream has ended"));

    public async Task<long?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout, _engine.Time);
        try
        {
            return (await _engine.Client.Containers.WaitContainerAsync(Id, cts.Token).ConfigureAwait(false)).StatusCode;
        }
        catch (Exception ex) when (ex is OperationCanceledException or DockerApiException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    public async ValueTask RemoveAsync()
    {
        if (Interlocked.Exchange(ref _removed, 1) != 0)
        {
            return;
        }

        _alive = false;
        await _engine.RemoveQuietlyAsync(Id).ConfigureAwait(false);
        _stream.Dispose();
        await _pump.ConfigureAwait(false);
        _writeLock.Dispose();
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment) ? segment : new ArraySegment<byte>(data.ToArray());
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes.Array!, bytes.Offset, bytes.Count, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task PumpAsync()
    {
        await Task.Yield();
        var buffer = new byte[WarmFrames.MaxChunk + WarmFrames.HeaderSize];
        try
        {
            while (true)
            {
                var read = await _stream.ReadOutputAsync(buffer, 0, buffer.Length, CancellationToken.None).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                if (read.Target == MultiplexedStream.TargetStream.StandardOut)
                {
                    // Bounded: a call whose output nobody reads yet pauses the engine stream here.
                    var flush = await _frames.Writer.WriteAsync(buffer.AsMemory(0, read.Count)).ConfigureAwait(false);
                    if (flush.IsCompleted)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or HttpRequestException)
        {
            // The stream ended with the container (or its removal).
        }
        finally
        {
            _alive = false;
            await _frames.Writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One call's view of the shared stream. Disposing it tells the agent the host is done with the call (Done) and
    /// ends a read still waiting.
    /// </summary>
    private sealed class CallStream(AttachedWarmContainer container) : Stream
    {
        private readonly CancellationTokenSource _disposed = new();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            try
            {
                return await container._reader.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                throw new ObjectDisposedException(nameof(CallStream), "the call is over");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            await container.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            await _disposed.CancelAsync().ConfigureAwait(false);
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5), container._engine.Time);
                await container.WriteAsync(WarmFrames.Encode(WarmFrameType.Done, []), cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // The container is gone: nothing to tell.
            }

            _disposed.Dispose();
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed.IsCancellationRequested)
            {
                DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            base.Dispose(disposing);
        }
    }
}
