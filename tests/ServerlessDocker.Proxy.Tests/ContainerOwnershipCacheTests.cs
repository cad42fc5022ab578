using ServerlessDocker.Proxy.Engine;

namespace ServerlessDocker.Proxy.Tests;

public sealed class ContainerOwnershipCacheTests
{
    private static readonly string FullId = new string('a', 60) + "0f9e";
    private static readonly Dictionary<string, string> Labels = new() { ["io.sdock.proxy.scope.0"] = "tenant-a" };

    [Theory(Timeout = 10000)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("0123456789abcdef", false)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", false)]
    [InlineData("my-container", false)]
    [InlineData("", false)]
    public void IsFullId_Reference_OnlySixtyFourLowercaseHex(string reference, bool expected)
    {
        Assert.Equal(expected, ContainerOwnershipCache.IsFullId(reference));
    }

    [Fact(Timeout = 10000)]
    public void Add_NameOrShortId_NotCached()
    {
        var cache = new ContainerOwnershipCache(8);
        cache.Add("my-container", Labels);
        cache.Add(FullId[..12], Labels);
        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet("my-container", out _));
    }

    [Fact(Timeout = 10000)]
    public void Remove_CachedId_Forgotten()
    {
        var cache = new ContainerOwnershipCache(8);
        cache.Add(FullId, Labels);
        Assert.True(cache.TryGet(FullId, out var labels));
        Assert.Equal("tenant-a", labels["io.sdock.proxy.scope.0"]);
        cache.Remove(FullId);
        Assert.False(cache.TryGet(FullId, out _));
    }

    [Fact(Timeout = 10000)]
    public void Add_BeyondCapacity_StaysBounded()
    {
        var cache = new ContainerOwnershipCache(4);
        for (var i = 0; i < 10; i++)
        {
            cache.Add(i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture), Labels);
            Assert.InRange(cache.Count, 1, 4);
        }
    }
}
