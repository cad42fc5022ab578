using System.Collections.Concurrent;

namespace ServerlessDocker.Proxy.Engine;

/// <summary>
/// Remembers what an image reference resolved to (ID, labels, tags) for container creates, so a create does not
/// wait for an image inspect each time. Entries live only while the proxy watches the engine's image events.
/// </summary>
/// <remarks>
/// Why this is safe: a reference changes meaning only when an image is tagged, untagged, pulled, built, committed,
/// loaded or deleted. Every such request a tenant can make goes through the proxy, which clears the cache before
/// forwarding it and again when it completes; anything else (the host's own docker CLI, another proxy on the same
/// engine) is an image event, which clears the cache as soon as it arrives. Through the proxy a tenant can retag
/// only names it owns or names that do not exist, so a cached reference cannot come to name another tenant's image
/// behind the cache's back. Nothing negative is cached (a missing image is looked up every time), entries expire
/// after <see cref="Lifetime"/>, and while the event stream is down nothing is served from here.
/// </remarks>
internal sealed class ImageLookupCache(TimeProvider timeProvider, int capacity = 1024)
{
    /// <summary>How long an entry is served at most, even with no event.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;
    private volatile bool _watching;

    /// <summary>The current generation: take it before a look-up and pass it to <see cref="Add"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The number of entries held (some may be stale and never served).</summary>
    public int Count => _entries.Count;

    /// <summary>The cached image of a reference, if one is current.</summary>
    public bool TryGet(string reference, out EngineObject image)
    {
        if (_watching && _entries.TryGetValue(reference, out var entry) && entry.Generation == Generation
            && timeProvider.GetUtcNow() < entry.Expires)
        {
            image = entry.Image;
            return true;
        }

        image = null!;
        return false;
    }

    /// <summary>
    /// Caches what a look-up begun at <paramref name="generation"/> found. An entry from before an invalidation is
    /// never served: it carries its generation, and <see cref="TryGet"/> serves only the current one.
    /// </summary>
    public void Add(string reference, EngineObject image, long generation)
    {
        if (!_watching || generation != Generation)
        {
            return;
        }

        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[reference] = new Entry(image, generation, timeProvider.GetUtcNow() + Lifetime);
    }

    /// <summary>Forgets everything: an image may have changed.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>The image event stream is open: entries may be served from now on.</summary>
    public void StartWatching()
    {
        Invalidate();
        _watching = true;
    }

    /// <summary>The image event stream is down: nothing is served until it is open again.</summary>
    public void StopWatching()
    {
        _watching = false;
        Invalidate();
    }

    private sealed record Entry(EngineObject Image, long Generation, DateTimeOffset Expires);
}
