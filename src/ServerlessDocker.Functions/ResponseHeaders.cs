using System.Collections;
using ServerlessDocker.Functions.Parsing;

namespace ServerlessDocker.Functions;

/// <summary>
/// The headers of a <see cref="CgiResponse"/>, in the order they were added. Names are case-insensitive;
/// <see cref="Set"/> replaces, <see cref="Append"/> adds another line (e.g. a second Set-Cookie).
/// Names must be tokens and values free of control characters, so a value cannot inject a header.
/// </summary>
public sealed class ResponseHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _lines = [];

    /// <summary>The number of header lines.</summary>
    public int Count => _lines.Count;

    /// <summary>The first value of <paramref name="name"/>, or null; setting it is <see cref="Set"/>.</summary>
    public string? this[string name]
    {
        get => TryGetValue(name, out var value) ? value : null;
        set
        {
            if (value is null)
            {
                Remove(name);
            }
            else
            {
                Set(name, value);
            }
        }
    }

    /// <summary>Replaces every line of <paramref name="name"/> with one holding <paramref name="value"/>.</summary>
    public ResponseHeaders Set(string name, string value)
    {
        Check(name, value);
        var index = _lines.FindIndex(l => Is(l.Key, name));
        if (index < 0)
        {
            _lines.Add(new(name, value));
            return this;
        }

        _lines[index] = new(name, value);
        for (var i = _lines.Count - 1; i > index; i--)
        {
            if (Is(_lines[i].Key, name))
            {
                _lines.RemoveAt(i);
            }
        }

        return this;
    }

    /// <summary>Adds a line, keeping those already there.</summary>
    public ResponseHeaders Append(string name, string value)
    {
        Check(name, value);
        _lines.Add(new(name, value));
        return this;
    }

    /// <summary>Removes every line of <paramref name="name"/>; whether there was one.</summary>
    public bool Remove(string name) => _lines.RemoveAll(l => Is(l.Key, name)) > 0;

    /// <summary>Whether a line of <paramref name="name"/> is set.</summary>
    public bool Contains(string name) => _lines.Exists(l => Is(l.Key, name));

    /// <summary>The first value of <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, out string? value)
    {
        foreach (var line in _lines)
        {
            if (Is(line.Key, name))
            {
                value = line.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Every value of <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> GetValues(string name) => [.. _lines.Where(l => Is(l.Key, name)).Select(l => l.Value)];

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _lines.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static void Check(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!HttpSyntax.IsToken(name))
        {
            throw new ArgumentException($"'{name}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only).", nameof(name));
        }

        if (!HttpSyntax.IsFieldValue(value))
        {
            throw new ArgumentException($"The value of header '{name}' holds a control character (CR, LF, NUL...) or a non-Latin-1 character; encode it first.", nameof(value));
        }

        if (string.Equals(name, "Status", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("Set CgiResponse.StatusCode instead of a 'Status' header.", nameof(name));
        }
    }
}
