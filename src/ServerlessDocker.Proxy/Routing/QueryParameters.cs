using System.Text;

namespace ServerlessDocker.Proxy.Routing;

/// <summary>An ordered, decoded query string that the proxy rebuilds itself before forwarding.</summary>
internal sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _items;

    /// <summary>Creates a parameter list.</summary>
    public QueryParameters(IEnumerable<KeyValuePair<string, string>> items) => _items = [.. items];

    /// <summary>The parameters in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    /// <summary>All values for a key (case-sensitive, like Go's <c>r.Form</c>).</summary>
    public IReadOnlyList<string> GetAll(string key) =>
        _items.Where(p => string.Equals(p.Key, key, StringComparison.Ordinal)).Select(p => p.Value).ToList();

    /// <summary>The single value of a key or null; more than one value is rejected by the caller's choice.</summary>
    public string? Get(string key) => GetAll(key) switch
    {
        [] => null,
        [var one] => one,
        _ => throw new RequestRejectedException(400, $"query parameter '{key}' given more than once"),
    };

    /// <summary>Go's <c>strconv.ParseBool</c> applied to a parameter, the way the engine reads boolean flags.</summary>
    public bool GetBool(string key) => Get(key) is { } v && v is "1" or "t" or "T" or "true" or "TRUE" or "True";

    /// <summary>Replaces every value of <paramref name="key"/> with one value.</summary>
    public QueryParameters With(string key, string value)
    {
        var copy = _items.Where(p => !string.Equals(p.Key, key, StringComparison.Ordinal)).ToList();
        copy.Add(new(key, value));
        return new QueryParameters(copy);
    }

    /// <summary>Removes a key.</summary>
    public QueryParameters Without(string key) =>
        new(_items.Where(p => !string.Equals(p.Key, key, StringComparison.Ordinal)));

    /// <summary>Serialises the query with every key and value percent-encoded; empty when there are none.</summary>
    public string ToQueryString()
    {
        if (_items.Count == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder("?");
        for (var i = 0; i < _items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(_items[i].Key)).Append('=').Append(Uri.EscapeDataString(_items[i].Value));
        }

        return builder.ToString();
    }
}
