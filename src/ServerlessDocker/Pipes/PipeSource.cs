using System.Text;

namespace ServerlessDocker;

/// <summary>
/// Where a container's stdin comes from. The source is copied into the container, then stdin is closed
/// (half-close), so the function sees end-of-file.
/// </summary>
public abstract class PipeSource
{
    /// <summary>Copies the source into <paramref name="destination"/> (the container's stdin).</summary>
    public abstract Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default);

    /// <summary>True for <see cref="Null"/>: no data, and a run with it is created without stdin at all.</summary>
    public bool IsNull => this is NullSource;

    /// <summary>No stdin: the container is created without an open stdin.</summary>
    public static PipeSource Null { get; } = new NullSource();

    /// <summary>Reads stdin from a stream until its end.</summary>
    public static PipeSource FromStream(Stream stream) => new StreamSource(stream);

    /// <summary>Feeds the given bytes.</summary>
    public static PipeSource FromBytes(ReadOnlyMemory<byte> data) => new BytesSource(data);

    /// <summary>Feeds a string, encoded as UTF-8 unless another encoding is given.</summary>
    public static PipeSource FromString(string text, Encoding? encoding = null) =>
        new BytesSource((encoding ?? new UTF8Encoding(false)).GetBytes(text));

    /// <summary>Feeds the contents of a file.</summary>
    public static PipeSource FromFile(string path) => new DelegateSource(async (destination, ct) =>
    {
        var file = File.OpenRead(path);
        await using (file.ConfigureAwait(false))
        {
            await file.CopyToAsync(destination, ct).ConfigureAwait(false);
        }
    });

    /// <summary>Feeds the stdout of another container command (a pipe between two containers).</summary>
    public static PipeSource FromCommand(ContainerCommand command) => new DelegateSource(async (destination, ct) =>
        await command.WithStandardOutputPipe(PipeTarget.Merge(command.StandardOutputPipe, PipeTarget.ToStream(destination)))
            .ExecuteAsync(ct).ConfigureAwait(false));

    /// <summary>A source written by a delegate that copies its data into the given stream.</summary>
    public static PipeSource Create(Func<Stream, CancellationToken, Task> copyToAsync) => new DelegateSource(copyToAsync);

    private sealed class NullSource : PipeSource
    {
        public override Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class StreamSource(Stream stream) : PipeSource
    {
        public override Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default) =>
            stream.CopyToAsync(destination, 81920, cancellationToken);
    }

    private sealed class BytesSource(ReadOnlyMemory<byte> data) : PipeSource
    {
        public override async Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default) =>
            await destination.WriteAsync(data, cancellationToken).ConfigureAwait(false);
    }

    private sealed class DelegateSource(Func<Stream, CancellationToken, Task> copy) : PipeSource
    {
        public override Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default) =>
            copy(destination, cancellationToken);
    }
}
