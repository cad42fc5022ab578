using System.Collections.Concurrent;

namespace ServerlessDocker.Proxy.Engine;

/// <summary>
/// Remembers the labels of containers looked up by their full ID, so that attach, start, wait and delete of a
/// container the client already named do not each inspect it again.
/// </summary>
/// <remarks>
/// Why this is safe: a container's labels cannot change after create and the engine never reuses an ID, so the
/// labels of a full ID never go stale while the container exists. The engine resolves a full ID before names,
/// and the proxy refuses container names that look like full IDs (<see cref="IsFullId"/>), so a cached ID
/// cannot come to name a different container through the proxy; once the container is gone, the forwarded
/// request answers 404 and the entry is evicted. Names and short IDs are never served from here (they can be
/// renamed or reused), and nothing negative is cached.
/// </remarks>
internal sealed class ContainerOwnershipCache(int capacity)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _labels = new(StringComparer.Ordinal);

    /// <summary>The number of cached containers.</summary>
    public int Count => _labels.Count;

    /// <summary>True for a full container ID: 64 lowercase hex digits.</summary>
    public static bool IsFullId(string reference)
    {
        if (reference.Length != 64)
        {
            return false;
        }

        foreach (var c in reference)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The cached labels of a full ID, if any.</summary>
    public bool TryGet(string fullId, out IReadOnlyDictionary<string, string> labels) =>
        _labels.TryGetValue(fullId, out labels!);

    /// <summary>Caches the labels an inspect returned for a full ID (other references are ignored).</summary>
    public void Add(string fullId, IReadOnlyDictionary<string, string> labels)
    {
        if (!IsFullId(fullId))
        {
            return;
        }

        // Bounded without bookkeeping: when full, start again; a miss only costs one inspect.
        if (_labels.Count >= capacity)
        {
            _labels.Clear();
        }

        _labels[fullId] = labels;
    }

    /// <summary>Forgets a container (it was removed, or the engine answered 404 for it).</summary>
    public void Remove(string fullId) => _labels.TryRemove(fullId, out _);
}
