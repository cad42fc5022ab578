using ServerlessDocker.Warm;

namespace ServerlessDocker.Tests.Warm;

public sealed class WarmFramesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Header_RoundTrips_BigEndian()
    {
        var frame = WarmFrames.Encode(WarmFrameType.Stdout, [1, 2, 3]);

        Assert.Equal([(byte)'O', 0, 0, 0, 3, 1, 2, 3], frame);
        Assert.Equal((WarmFrameType.Stdout, 3), WarmFrames.ReadHeader(frame));
    }

    [Fact]
    public void ReadHeader_UnknownType_IsInvalidData()
    {
        var ex = Assert.Throws<InvalidDataException>(() => WarmFrames.ReadHeader([(byte)'Z', 0, 0, 0, 0]));

        Assert.Contains("0x5a", ex.Message);
    }

    [Fact]
    public void ReadHeader_LengthAboveTheLimit_IsInvalidData()
    {
        byte[] header = [(byte)'O', 0x00, 0x10, 0x00, 0x01]; // 1 MiB + 1

        Assert.Throws<InvalidDataException>(() => WarmFrames.ReadHeader(header));
        Assert.Throws<InvalidDataException>(() => WarmFrames.ReadHeader([(byte)'O', 0xff, 0xff, 0xff, 0xff])); // negative
    }

    [Fact]
    public void WriteHeader_LengthAboveTheLimit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmFrames.WriteHeader(new byte[5], WarmFrameType.Stdin, WarmFrames.MaxPayload + 1));

    [Fact]
    public void Start_RoundTrips_WithUnicodeEmptyStringsAndEqualsSigns()
    {
        var start = new WarmStart(["sh", "-c", "echo ünïcode ✓", ""], ["A=b=c", "EMPTY=", "PATH=/bin"], "/wörk");

        var frame = WarmFrames.EncodeStart(start);
        var (type, length) = WarmFrames.ReadHeader(frame);
        var decoded = WarmFrames.DecodeStart(frame.AsSpan(WarmFrames.HeaderSize, length));

        Assert.Equal(WarmFrameType.Start, type);
        Assert.Equal(start.Arguments, decoded.Arguments);
        Assert.Equal(start.Environment, decoded.Environment);
        Assert.Equal(start.WorkingDirectory, decoded.WorkingDirectory);
    }

    [Fact]
    public void DecodeStart_NoArguments_IsInvalidData()
    {
        var frame = WarmFrames.EncodeStart(new WarmStart([], [], ""));

        Assert.Throws<InvalidDataException>(() => WarmFrames.DecodeStart(frame.AsSpan(WarmFrames.HeaderSize)));
    }

    [Fact]
    public void DecodeStart_TruncatedAnywhere_IsInvalidData()
    {
        var payload = WarmFrames.EncodeStart(new WarmStart(["echo", "hi"], ["X=1"], "/tmp"))[WarmFrames.HeaderSize..];

        for (var cut = 0; cut < payload.Length; cut++)
        {
            Assert.Throws<InvalidDataException>(() => WarmFrames.DecodeStart(payload.AsSpan(0, cut)));
        }
    }

    [Fact]
    public void DecodeStart_TrailingBytes_AreInvalidData()
    {
        var payload = WarmFrames.EncodeStart(new WarmStart(["echo"], [], ""))[WarmFrames.HeaderSize..];

        Assert.Throws<InvalidDataException>(() => WarmFrames.DecodeStart([.. payload, 0]));
    }

    [Fact]
    public void DecodeStart_AHugeStringCount_IsInvalidDataNotAnAllocation()
    {
        byte[] payload = [0x7f, 0xff, 0xff, 0xff];

        Assert.Throws<InvalidDataException>(() => WarmFrames.DecodeStart(payload));
    }

    [Fact]
    public void EncodeStart_AboveTheLimit_Throws() =>
        Assert.Throws<ArgumentException>(() => WarmFrames.EncodeStart(new WarmStart(["x"], [new string('a', WarmFrames.MaxPayload)], "")));

    [Fact]
    public void IntFrames_StartFailedAndKill_RoundTrip()
    {
        var exited = WarmFrames.EncodeInt(WarmFrameType.Exited, 137);
        var failed = WarmFrames.EncodeStartFailed(127, "exec: \"nope\": executable file not found in $PATH");
        var kill = WarmFrames.EncodeKill(15);

        Assert.Equal(137, WarmFrames.DecodeInt(exited.AsSpan(WarmFrames.HeaderSize)));
        Assert.Equal((127, "exec: \"nope\": executable file not found in $PATH"), WarmFrames.DecodeStartFailed(failed.AsSpan(WarmFrames.HeaderSize)));
        Assert.Equal(15, WarmFrames.DecodeKill(kill.AsSpan(WarmFrames.HeaderSize)));
        Assert.Throws<InvalidDataException>(() => WarmFrames.DecodeInt([1, 2]));
        Assert.Throws<InvalidDataException>(() => WarmFrames.DecodeKill([]));
    }

    [Fact]
    public async Task FrameReader_ReadsConsecutiveFrames_ThenNullAtTheEnd()
    {
        var stream = new MemoryStream([.. WarmFrames.Encode(WarmFrameType.Stdout, "ab"u8), .. WarmFrames.Encode(WarmFrameType.StdinEof, []),
            .. WarmFrames.EncodeInt(WarmFrameType.Exited, 3)]);
        var buffer = new byte[128];

        var first = await WarmFrameReader.ReadAsync(stream, buffer, Ct);
        Assert.Equal(WarmFrameType.Stdout, first!.Value.Type);
        Assert.Equal("ab"u8.ToArray(), first.Value.Payload.ToArray());
        Assert.Equal(WarmFrameType.StdinEof, (await WarmFrameReader.ReadAsync(stream, buffer, Ct))!.Value.Type);
        Assert.Equal(3, WarmFrames.DecodeInt((await WarmFrameReader.ReadAsync(stream, buffer, Ct))!.Value.Payload.Span));
        Assert.Null(await WarmFrameReader.ReadAsync(stream, buffer, Ct));
    }

    [Fact]
    public async Task FrameReader_EndInsideAFrame_Throws()
    {
        var frame = WarmFrames.Encode(WarmFrameType.Stdout, "abc"u8);

        await Assert.ThrowsAsync<EndOfStreamException>(async () => await WarmFrameReader.ReadAsync(new MemoryStream(frame[..3]), new byte[64], Ct));
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await WarmFrameReader.ReadAsync(new MemoryStream(frame[..6]), new byte[64], Ct));
    }

    [Fact]
    public async Task FrameReader_FrameBiggerThanTheBuffer_IsInvalidData() =>
        await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await WarmFrameReader.ReadAsync(new MemoryStream(WarmFrames.Encode(WarmFrameType.Stdout, new byte[100])), new byte[64], Ct));
}
