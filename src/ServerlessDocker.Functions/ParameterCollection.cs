using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ServerlessDocker.Functions;

/// <summary>
/// Name/value pairs that may repeat (a query string, a form), in the order they came. Names are case-sensitive;
/// the indexer and <see cref="TryGetValue"/> give the first value of a name, <see cref="GetValues"/> all of them.
/// </summary>
public sealed class ParameterCollection : IReadOnlyCollection<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _pairs;
    private readonly Dictionary<string, int> _first;

    /// <summary>An empty collection.</summary>
    public static ParameterCollection Empty { get; } = new([]);

    internal ParameterCollection(List<KeyValuePair<string, string>> pairs)
    {
        _pairs = pairs;
        _first = new Dictionary<string, int>(pairs.Count, StringComparer.Ordinal);
        for (var i = 0; i < pairs.Count; i++)
        {
            _first.TryAdd(pairs[i].Key, i);
        }
    }

    /// <summary>The number of pairs, repeated names counted each time.</summary>
    public int Count => _pairs.Count;

    /// <summary>The distinct names, in order of first appearance.</summary>
    public IEnumerable<string> Names => _first.Keys;

    /// <summary>The first value of <paramref name="name"/>, or null when it is absent.</summary>
    public string? this[string name] => TryGetValue(name, out var value) ? value : null;

    /// <summary>Whether <paramref name="name"/> appears at all (with any value, the empty one included).</summary>
    public bool Contains(string name) => _first.ContainsKey(name);

    /// <summary>The first value of <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out string value)
    {
        if (_first.TryGetValue(name, out var index))
        {
            value = _pairs[index].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Every value of <paramref name="name"/> in order; empty when it is absent.</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        if (!_first.TryGetValue(name, out var start))
        {
            return [];
        }

        var values = new List<string>(1);
        for (var i = start; i < _pairs.Count; i++)
        {
            if (string.Equals(_pairs[i].Key, name, StringComparison.Ordinal))
            {
                values.Add(_pairs[i].Value);
            }
        }

        return values;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
