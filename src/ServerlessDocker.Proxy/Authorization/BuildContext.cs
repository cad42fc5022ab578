using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>
/// Reads the Dockerfile out of a build context the way the engine does: a tar, plain or gzip-compressed, in which
/// the last entry of a path wins (extraction overwrites), with <c>Dockerfile</c> falling back to <c>dockerfile</c>.
/// Contexts compressed otherwise (bzip2, xz, zstd) are refused: the proxy could not read what the engine would.
/// </summary>
internal static class BuildContext
{
    /// <summary>The longest Dockerfile the proxy reads.</summary>
    public const int MaxDockerfileBytes = 1024 * 1024;

    /// <summary>The Dockerfile's text.</summary>
    /// <param name="context">The whole build context, seekable, positioned at its start.</param>
    /// <param name="dockerfile">The build's <c>dockerfile</c> parameter (a path inside the context), or null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<string> ReadDockerfileAsync(Stream context, string? dockerfile, CancellationToken cancellationToken)
    {
        var wanted = Normalize(string.IsNullOrEmpty(dockerfile) ? "Dockerfile" : dockerfile);
        var fallback = string.IsNullOrEmpty(dockerfile) ? "dockerfile" : null;
        string? found = null;
        string? foundFallback = null;
        var tar = await OpenAsync(context, cancellationToken).ConfigureAwait(false);
        await using var tarLease = tar.ConfigureAwait(false);
        var reader = new TarReader(tar, leaveOpen: true);
        await using var readerLease = reader.ConfigureAwait(false);
        try
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var name = Normalize(entry.Name);
                var isWanted = name == wanted;
                var isFallback = fallback is not null && name == fallback;
                if (!isWanted && !isFallback)
                {
                    continue;
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    throw new RequestRejectedException(400, $"the Dockerfile '{name}' must be a regular file in the build context, not a {entry.EntryType}");
                }

                if (entry.Length > MaxDockerfileBytes)
                {
                    throw new RequestRejectedException(413, $"the Dockerfile is larger than {MaxDockerfileBytes} bytes");
                }

                var text = entry.DataStream is null ? "" : await ReadTextAsync(entry.DataStream, cancellationToken).ConfigureAwait(false);
                if (isWanted)
                {
                    found = text;
                }
                else
                {
                    foundFallback = text;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new RequestRejectedException(400, $"the build context is not a valid tar: {ex.Message}");
        }

        return found ?? foundFallback
            ?? throw new RequestRejectedException(400, $"the build context has no Dockerfile at '{wanted}'");
    }

    private static async Task<Stream> OpenAsync(Stream context, CancellationToken cancellationToken)
    {
        var magic = new byte[6];
        var read = await context.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        context.Position = 0;
        var head = magic.AsSpan(0, read);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return new GZipStream(context, CompressionMode.Decompress, leaveOpen: true);
        }

        if (head.StartsWith("BZh"u8) || head.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) || head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
        {
            throw new RequestRejectedException(400, "the build context is compressed with bzip2, xz or zstd; send a plain or gzip-compressed tar");
        }

        return new NonDisposingStream(context);
    }

    private static async Task<string> ReadTextAsync(Stream data, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await data.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A context path as the engine compares it: no leading "./" or "/", no trailing "/".</summary>
    internal static string Normalize(string path)
    {
        var p = path.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal) || p.StartsWith('/'))
        {
            p = p.StartsWith('/') ? p[1..] : p[2..];
        }

        return p.TrimEnd('/');
    }

    /// <summary>Keeps the spooled context open when the tar reader is done with it.</summary>
    private sealed class NonDisposingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
