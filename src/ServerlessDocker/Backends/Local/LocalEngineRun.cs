using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>
/// One container on the local engine. The order of operations loses no output and no exit code: attach (stdout,
/// stderr and, when there is input, stdin) before start, so even the first byte is caught; start; feed stdin then
/// half-close it while draining the output; wait for the exit code.
/// </summary>
internal sealed class LocalEngineRun(LocalEngineBackend backend, FunctionRunContext context, string id) : IFunctionRun
{
    public string Id => id;

    public async Task<FunctionExit> RunToExitAsync(CancellationToken cancellationToken)
    {
        var client = backend.Client;
        var hasStdin = context.HasStandardInput;
        using var stream = await backend.CallAsync("attach to the container", () =>
            client.Containers.AttachContainerAsync(id, new ContainerAttachParameters
            {
                Stream = true, Stdin = hasStdin, Stdout = true, Stderr = true,
            }, cancellationToken)).ConfigureAwait(false);

        await StartAsync(cancellationToken).ConfigureAwait(false);

        using var stdinCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stdinTask = hasStdin
            ? context.FeedStandardInputAsync(new AttachStdinStream(stream), stream.CloseWrite, stdinCts.Token)
            : Task.CompletedTask;
        try
        {
            await MultiplexedOutput.CopyAsync(stream, context, cancellationToken).ConfigureAwait(false);
            var wait = await backend.CallAsync("wait for the container", () =>
                client.Containers.WaitContainerAsync(id, cancellationToken)).ConfigureAwait(false);
            // SIGKILL's status: ask whether the out-of-memory killer sent it (the wait answer does not say).
            return new FunctionExit(wait.StatusCode) { OomKilled = wait.StatusCode == 137 && await WasOomKilledAsync().ConfigureAwait(false) };
        }
        finally
        {
            if (!stdinTask.IsCompleted)
            {
                // The function exited (or the run is abandoned) before it read all its input: the engine reads no
                // more of it, so the rest would block forever. Stop the source — the upstream container of a pipe is
                // stopped and removed, as SIGPIPE would end a shell's writer — and end the connection, and wait for
                // that, so no container of a pipe outlives the run.
                await stdinCts.CancelAsync().ConfigureAwait(false);
                stream.Dispose();
            }

            await stdinTask.ConfigureAwait(false);
        }
    }

    private async Task<bool> WasOomKilledAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), backend.Time);
            var inspect = await backend.Client.Containers.InspectContainerAsync(id, timeout.Token).ConfigureAwait(false);
            return inspect.State?.OOMKilled ?? false;
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // The exit code stands on its own; only the reason is unknown.
            return false;
        }
    }

    public async Task<DetachedRun> StartDetachedAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return new LocalDetachedRun(backend, id, context.Command.Image, backend.Time.GetUtcNow());
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await backend.CallAsync("start the container", () =>
                backend.Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken)).ConfigureAwait(false);
        }
        catch (EngineApiException ex) when (ContainerStartException.From(context.Command, ex) is { } notStarted)
        {
            throw notStarted;
        }
    }

    public Task StopAsync(TimeSpan gracePeriod) => backend.StopQuietlyAsync(id, gracePeriod);

    public async ValueTask DisposeAsync()
    {
        if (context.Command.RemoveAfterRun)
        {
            await backend.RemoveQuietlyAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>A write-only stream over the attach connection's stdin side.</summary>
    private sealed class AttachStdinStream(MultiplexedStream inner) : Internal.WriteOnlyStream
    {
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
