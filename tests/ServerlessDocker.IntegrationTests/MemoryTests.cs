using System.Diagnostics;

namespace ServerlessDocker.IntegrationTests;

/// <summary>Runs alone (no other test allocates meanwhile), so the process's memory growth is this run's.</summary>
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>100 MB of output streams through in bounded memory.</summary>
[Collection(nameof(MemoryTests))]
public sealed class MemoryTests(EngineFixture engine)
{
    private const long OutputBytes = 100L * 1024 * 1024;
    private const long AllowedGrowthBytes = 40L * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120000)]
    public async Task ExecuteAsync_100MBOfOutput_StreamsThroughInBoundedMemory()
    {
        var test = new TestCase();
        var counter = new CountingStream();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var workingSetBefore = self.WorkingSet64;
        long peakHeap = heapBefore, peakWorkingSet = workingSetBefore;

        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                self.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, self.WorkingSet64);
                try
                {
                    await Task.Delay(20, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }, Ct);

        var result = await (engine.Command(test, "busybox", "head", "-c", OutputBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), "/dev/zero")
            | PipeTarget.ToStream(counter)).ExecuteAsync(Ct);
        await sampling.CancelAsync();
        await sampler;

        var heapGrowth = peakHeap - heapBefore;
        var workingSetGrowth = peakWorkingSet - workingSetBefore;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"100 MiB streamed: peak managed heap growth {heapGrowth / 1048576.0:0.0} MiB, peak working set growth {workingSetGrowth / 1048576.0:0.0} MiB");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(OutputBytes, counter.Count);
        Assert.True(heapGrowth < AllowedGrowthBytes, $"managed heap grew by {heapGrowth / 1048576.0:0.0} MiB while streaming 100 MiB");
        Assert.True(workingSetGrowth < AllowedGrowthBytes, $"working set grew by {workingSetGrowth / 1048576.0:0.0} MiB while streaming 100 MiB");
        await test.AssertNoContainersLeftAsync(Ct);
    }

    /// <summary>Counts what is written and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Interlocked.Add(ref Count, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref Count, buffer.Length);
            return ValueTask.CompletedTask;
        }
    }
}
