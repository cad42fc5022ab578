using System.Text;

namespace ServerlessDocker.Tests;

public sealed class PipeTargetTests
{
    private static MemoryStream Source(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact(Timeout = 10000)]
    public async Task ToStringBuilder_Utf8Output_AppendsDecodedText()
    {
        var sb = new StringBuilder();

        await PipeTarget.ToStringBuilder(sb).CopyFromAsync(Source("grüße\nline 2"), TestContext.Current.CancellationToken);

        Assert.Equal("grüße\nline 2", sb.ToString());
    }

    [Fact(Timeout = 10000)]
    public async Task ToDelegate_Lines_CallsOncePerLineWithoutBreaks()
    {
        var lines = new List<string>();

        await PipeTarget.ToDelegate(lines.Add).CopyFromAsync(Source("a\r\nb\n\nlast"), TestContext.Current.CancellationToken);

        Assert.Equal(["a", "b", "", "last"], lines);
    }

    [Fact(Timeout = 10000)]
    public async Task ToStream_Bytes_CopiesThemExactly()
    {
        var data = new byte[300_000];
        Random.Shared.NextBytes(data);
        var destination = new MemoryStream();

        await PipeTarget.ToStream(destination).CopyFromAsync(new MemoryStream(data), TestContext.Current.CancellationToken);

        Assert.Equal(data, destination.ToArray());
    }

    [Fact(Timeout = 10000)]
    public async Task Create_Delegate_ReceivesTheSourceStream()
    {
        string? seen = null;
        var target = PipeTarget.Create(async (source, ct) =>
        {
            using var reader = new StreamReader(source);
            seen = await reader.ReadToEndAsync(ct);
        });

        await target.CopyFromAsync(Source("payload"), TestContext.Current.CancellationToken);

        Assert.Equal("payload", seen);
    }

    [Fact(Timeout = 20000)]
    public async Task Merge_TwoTargetsAndMoreThanThePipeBuffer_EachGetsEverything()
    {
        // 3 MiB: more than one bounded pipe (1 MiB) holds, so back-pressure between the targets is exercised.
        var data = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        var first = new MemoryStream();
        var second = new MemoryStream();
        var slow = PipeTarget.Create(async (source, ct) =>
        {
            var buffer = new byte[4096];
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                second.Write(buffer, 0, read);
                await Task.Yield();
            }
        });

        await PipeTarget.Merge(PipeTarget.ToStream(first), slow).CopyFromAsync(new MemoryStream(data), TestContext.Current.CancellationToken);

        Assert.Equal(data, first.ToArray());
        Assert.Equal(data, second.ToArray());
    }

    [Fact(Timeout = 10000)]
    public async Task Merge_TargetThatStopsEarly_DoesNotBlockTheOthers()
    {
        var data = new byte[4 * 1024 * 1024];
        var all = new MemoryStream();
        var firstBytesOnly = PipeTarget.Create(async (source, ct) =>
        {
            var buffer = new byte[10];
            await source.ReadExactlyAsync(buffer, ct);
        });

        await PipeTarget.Merge(firstBytesOnly, PipeTarget.ToStream(all)).CopyFromAsync(new MemoryStream(data), TestContext.Current.CancellationToken);

        Assert.Equal(data.Length, all.Length);
    }

    [Fact(Timeout = 10000)]
    public void Merge_NullTargets_AreDropped()
    {
        var only = PipeTarget.ToStream(Stream.Null);

        Assert.Same(only, PipeTarget.Merge(PipeTarget.Null, only, PipeTarget.Null));
        Assert.Same(PipeTarget.Null, PipeTarget.Merge(PipeTarget.Null));
        Assert.True(PipeTarget.Null.IsNull);
    }

    [Fact(Timeout = 10000)]
    public async Task Merge_FailingTarget_FailsTheMerge()
    {
        var failing = PipeTarget.Create((_, _) => throw new InvalidOperationException("target broke"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PipeTarget.Merge(failing, PipeTarget.ToStream(new MemoryStream())).CopyFromAsync(Source("x"), TestContext.Current.CancellationToken));

        Assert.Equal("target broke", ex.Message);
    }

    [Fact(Timeout = 10000)]
    public async Task Null_AnyOutput_IsReadToTheEnd()
    {
        var source = Source("discard me");

        await PipeTarget.Null.CopyFromAsync(source, TestContext.Current.CancellationToken);

        Assert.Equal(source.Length, source.Position);
    }
}
