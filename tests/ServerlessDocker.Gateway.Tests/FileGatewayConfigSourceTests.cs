using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests;

public sealed class FileGatewayConfigSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-gw-config-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact(Timeout = 10000)]
    public async Task Poll_FileChanged_NewConfigApplied()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = PathOf("functions.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n", ct);
        var time = new FakeTimeProvider();
        await using var source = await FileGatewayConfigSource.StartAsync(file, time, TimeSpan.FromSeconds(1), NullLogger.Instance, ct);
        var reloaded = new TaskCompletionSource<GatewayConfig>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Reloaded += c => reloaded.TrySetResult(c);

        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n  b:\n    image: b\n", ct);
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        var config = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(5), ct);

        Assert.Equal(["a", "b"], config.Functions.Keys.Order());
        Assert.Same(config, source.Current);
        Assert.Null(source.LastError);
    }

    [Fact(Timeout = 10000)]
    public async Task Reload_BadFile_RunningConfigStaysAndErrorNamesLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = PathOf("functions.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n", ct);
        await using var source = await FileGatewayConfigSource.StartAsync(file, new FakeTimeProvider(), TimeSpan.FromHours(1), NullLogger.Instance, ct);
        var before = source.Current;

        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n    timeout: never\n", ct);
        var applied = await source.ReloadNowAsync(ct);

        Assert.False(applied);
        Assert.Same(before, source.Current);
        Assert.StartsWith("functions.yaml:4:", source.LastError, StringComparison.Ordinal);

        await File.WriteAllTextAsync(file, "functions:\n  c:\n    image: c\n", ct);
        Assert.True(await source.ReloadNowAsync(ct));
        Assert.Null(source.LastError);
        Assert.True(source.Current.Functions.ContainsKey("c"));
    }

    [Fact(Timeout = 10000)]
    public async Task Poll_FileCaughtMidSave_NeitherParsedNorReported()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = PathOf("functions.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n", ct);
        await using var source = await FileGatewayConfigSource.StartAsync(file, new FakeTimeProvider(), TimeSpan.FromHours(1), NullLogger.Instance, ct);
        var before = source.Current;

        await File.WriteAllTextAsync(file, "", ct);
        var appliedTruncated = await source.PollAsync(ct);
        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n  b:\n    ima", ct);
        var appliedHalf = await source.PollAsync(ct);
        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n  b:\n    image: b\n", ct);
        var appliedFirstRead = await source.PollAsync(ct);
        var errorBeforeSettled = source.LastError;
        var appliedSettled = await source.PollAsync(ct);

        Assert.Equal([false, false, false, true], [appliedTruncated, appliedHalf, appliedFirstRead, appliedSettled]);
        Assert.Null(errorBeforeSettled);
        Assert.NotSame(before, source.Current);
        Assert.Equal(["a", "b"], source.Current.Functions.Keys.Order());
    }

    [Fact(Timeout = 10000)]
    public async Task Poll_BadFileSettled_ErrorNamesLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = PathOf("functions.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n", ct);
        await using var source = await FileGatewayConfigSource.StartAsync(file, new FakeTimeProvider(), TimeSpan.FromHours(1), NullLogger.Instance, ct);

        await File.WriteAllTextAsync(file, "functions:\n  a:\n    image: a\n    timeout: never\n", ct);
        await source.PollAsync(ct);
        await source.PollAsync(ct);

        Assert.StartsWith("functions.yaml:4:", source.LastError, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public async Task Start_BadFile_Throws()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = PathOf("bad.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  a:\n    imag: a\n", ct);

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => FileGatewayConfigSource.StartAsync(file, new FakeTimeProvider(), TimeSpan.FromSeconds(1), NullLogger.Instance, ct));

        Assert.Equal(3, ex.Line);
        Assert.Equal("bad.yaml", ex.Source);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
