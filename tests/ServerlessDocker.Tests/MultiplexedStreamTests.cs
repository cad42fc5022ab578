using System.Buffers.Binary;
using System.Text;
using Docker.DotNet;

namespace ServerlessDocker.Tests;

/// <summary>Docker's attach/logs stream format: frames of an 8-byte header (stream, 0, 0, 0, big-endian size) and a payload.</summary>
public sealed class MultiplexedStreamTests
{
    private static byte[] Frame(byte stream, string payload) => Frame(stream, Encoding.UTF8.GetBytes(payload));

    private static byte[] Frame(byte stream, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    private static async Task<(byte[] Stdout, byte[] Stderr, int Reads)> DemuxAsync(MultiplexedStream stream, int bufferSize)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var buffer = new byte[bufferSize];
        var reads = 0;
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, TestContext.Current.CancellationToken);
            if (read.EOF)
            {
                return (stdout.ToArray(), stderr.ToArray(), reads);
            }

            reads++;
            (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Write(buffer, 0, read.Count);
        }
    }

    [Fact(Timeout = 10000)]
    public async Task ReadOutputAsync_InterleavedFrames_SeparatesStdoutAndStderr()
    {
        byte[] wire = [.. Frame(1, "out 1\n"), .. Frame(2, "err 1\n"), .. Frame(1, "out 2\n"), .. Frame(2, "err 2\n")];
        using var stream = new MultiplexedStream(new MemoryStream(wire), multiplexed: true);

        var (stdout, stderr, _) = await DemuxAsync(stream, 1024);

        Assert.Equal("out 1\nout 2\n", Encoding.UTF8.GetString(stdout));
        Assert.Equal("err 1\nerr 2\n", Encoding.UTF8.GetString(stderr));
    }

    [Fact(Timeout = 10000)]
    public async Task ReadOutputAsync_FrameLargerThanTheBuffer_IsDeliveredInPiecesWithItsTarget()
    {
        var big = new byte[100_000];
        Random.Shared.NextBytes(big);
        byte[] wire = [.. Frame(2, big), .. Frame(1, "after")];
        using var stream = new MultiplexedStream(new MemoryStream(wire), multiplexed: true);

        var (stdout, stderr, reads) = await DemuxAsync(stream, 4096);

        Assert.Equal(big, stderr);
        Assert.Equal("after", Encoding.UTF8.GetString(stdout));
        Assert.True(reads > 100_000 / 4096, $"expected the big frame in several reads, got {reads}");
    }

    [Fact(Timeout = 10000)]
    public async Task ReadOutputAsync_EmptyStream_IsEofAtOnce()
    {
        using var stream = new MultiplexedStream(new MemoryStream(), multiplexed: true);

        var (stdout, stderr, reads) = await DemuxAsync(stream, 16);

        Assert.Empty(stdout);
        Assert.Empty(stderr);
        Assert.Equal(0, reads);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadOutputAsync_NotMultiplexed_EverythingIsStdout()
    {
        // A TTY container sends raw bytes without frame headers.
        using var stream = new MultiplexedStream(new MemoryStream("\u0002raw tty bytes"u8.ToArray()), multiplexed: false);

        var (stdout, stderr, _) = await DemuxAsync(stream, 1024);

        Assert.Equal("\u0002raw tty bytes", Encoding.UTF8.GetString(stdout));
        Assert.Empty(stderr);
    }

    [Fact(Timeout = 10000)]
    public async Task ReadOutputToEndAsync_Frames_ReturnsBothStreams()
    {
        byte[] wire = [.. Frame(1, "a"), .. Frame(2, "b"), .. Frame(1, "c")];
        using var stream = new MultiplexedStream(new MemoryStream(wire), multiplexed: true);

        var (stdout, stderr) = await stream.ReadOutputToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal("ac", stdout);
        Assert.Equal("b", stderr);
    }
}
