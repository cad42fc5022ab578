using System.IO.Pipelines;

namespace ServerlessDocker.Internal;

/// <summary>Bounded in-process pipes between the engine's output stream and the pipe targets.</summary>
internal static class OutputPump
{
    /// <summary>At most 1 MiB waits for a slow target before the engine stream is paused.</summary>
    public static readonly PipeOptions PipeOptions = new(
        pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false);

    /// <summary>Runs a target over a pipe's reader; completes the reader whatever happens.</summary>
    public static async Task ConsumeAsync(PipeTarget target, PipeReader reader, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var stream = reader.AsStream(leaveOpen: true);
        try
        {
            await target.CopyFromAsync(stream, cancellationToken).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await reader.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes a chunk; when the target has stopped reading (it finished early), the rest is discarded.
    /// </summary>
    public static async ValueTask WriteAsync(PipeWriter writer, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The target stopped reading (it finished early, or failed and reports that itself). Discard.
        }
    }
}
