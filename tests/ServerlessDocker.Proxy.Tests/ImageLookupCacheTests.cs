using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Proxy.Engine;

namespace ServerlessDocker.Proxy.Tests;

public sealed class ImageLookupCacheTests
{
    private static readonly EngineObject Busybox = new("sha256:" + new string('b', 64), new Dictionary<string, string>(), ["busybox:latest"]);

    private static ImageLookupCache Watching(FakeTimeProvider time)
    {
        var cache = new ImageLookupCache(time);
        cache.StartWatching();
        return cache;
    }

    [Fact(Timeout = 10000)]
    public void TryGet_AfterAdd_ServesTheImage()
    {
        var cache = Watching(new FakeTimeProvider());

        cache.Add("busybox", Busybox, cache.Generation);

        Assert.True(cache.TryGet("busybox", out var image));
        Assert.Same(Busybox, image);
        Assert.False(cache.TryGet("busybox:latest", out _));
    }

    [Fact(Timeout = 10000)]
    public void TryGet_NotWatching_ServesNothing()
    {
        // No event stream, no cache: a change made outside the proxy would go unnoticed.
        var cache = new ImageLookupCache(new FakeTimeProvider());

        cache.Add("busybox", Busybox, cache.Generation);

        Assert.False(cache.TryGet("busybox", out _));
    }

    [Fact(Timeout = 10000)]
    public void TryGet_AfterStreamDrops_ServesNothingUntilItIsBack()
    {
        var cache = Watching(new FakeTimeProvider());
        cache.Add("busybox", Busybox, cache.Generation);

        cache.StopWatching();
        Assert.False(cache.TryGet("busybox", out _));
        cache.StartWatching();
        Assert.False(cache.TryGet("busybox", out _));
    }

    [Fact(Timeout = 10000)]
    public void Add_LookupBegunBeforeAnInvalidation_IsNeverServed()
    {
        // The race the generation closes: the inspect answered with the old image after a tag cleared the cache.
        var cache = Watching(new FakeTimeProvider());
        var before = cache.Generation;

        cache.Invalidate();
        cache.Add("busybox", Busybox, before);

        Assert.False(cache.TryGet("busybox", out _));
    }

    [Fact(Timeout = 10000)]
    public void Invalidate_ClearsServedEntries()
    {
        var cache = Watching(new FakeTimeProvider());
        cache.Add("busybox", Busybox, cache.Generation);

        cache.Invalidate();

        Assert.False(cache.TryGet("busybox", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact(Timeout = 10000)]
    public void TryGet_AfterLifetime_ServesNothing()
    {
        var time = new FakeTimeProvider();
        var cache = Watching(time);
        cache.Add("busybox", Busybox, cache.Generation);

        time.Advance(ImageLookupCache.Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet("busybox", out _));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet("busybox", out _));
    }

    [Fact(Timeout = 10000)]
    public void Add_AtCapacity_StartsAgain()
    {
        var cache = new ImageLookupCache(new FakeTimeProvider(), capacity: 2);
        cache.StartWatching();

        cache.Add("a", Busybox, cache.Generation);
        cache.Add("b", Busybox, cache.Generation);
        cache.Add("c", Busybox, cache.Generation);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("c", out _));
    }
}
