using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ServerlessDocker.Gateway.Configuration;

/// <summary>
/// A strict YAML reader, independent of any schema: it loads one document and reads typed values from it. Every error
/// is a <see cref="GatewayConfigException"/> naming the source, line and column; unknown and duplicate keys are errors.
/// </summary>
/// <param name="source">Name used in error messages (usually the file name).</param>
/// <param name="baseDirectory">What relative paths in the document are relative to (the file's directory); null: the current directory.</param>
internal sealed class StrictYamlReader(string source, string? baseDirectory = null)
{
    /// <summary>Name used in error messages.</summary>
    public string Source { get; } = source;

    /// <summary>The directory relative paths in the document resolve against, like compose's relative to its file.</summary>
    public string BaseDirectory { get; } = baseDirectory ?? Directory.GetCurrentDirectory();

    /// <summary>An absolute path for <paramref name="path"/>, relative ones taken from <see cref="BaseDirectory"/>.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, BaseDirectory);

    /// <summary>Loads the first document's root node; an empty text is an error that says what was expected.</summary>
    /// <param name="yaml">The text.</param>
    /// <param name="expected">What the root should be, for the "empty" error (for example "a 'functions:' mapping").</param>
    public YamlNode LoadRoot(string yaml, string expected)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            // YamlDotNet's own message repeats the position; keep only its reason.
            var reason = ex.InnerException?.Message ?? ex.Message;
            var idx = reason.IndexOf("): ", StringComparison.Ordinal);
            throw new GatewayConfigException(Source, (int)ex.Start.Line, (int)ex.Start.Column, idx >= 0 ? reason[(idx + 3)..] : reason, ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new GatewayConfigException(Source, 1, 1, $"the file is empty; expected {expected}");
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>
    /// Reads a mapping through a key table: each key must be in the table (else "unknown key", listing the table's
    /// keys) and appear once (else "duplicate key"); its handler folds the value into the state.
    /// </summary>
    public T ReadMapping<T>(YamlNode node, string what, T initial, YamlKeyTable<T> keys)
    {
        var state = initial;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in Mapping(node, what).Children)
        {
            var key = Scalar(keyNode, "key");
            if (!keys.TryGetHandler(key, out var handler))
            {
                throw Error(keyNode, $"unknown key '{key}'; expected one of: {string.Join(", ", keys.Keys)}");
            }

            if (!seen.Add(key))
            {
                throw Error(keyNode, $"duplicate key '{key}'");
            }

            state = handler(state, new YamlValue(this, key, value));
        }

        return state;
    }

    /// <summary>The node as a mapping.</summary>
    public YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value lines)");

    /// <summary>The node as one scalar value.</summary>
    public string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(node, $"'{what}' must be a single value");

    /// <summary>True for an unquoted empty, <c>null</c> or <c>~</c>.</summary>
    public static bool IsNull(YamlNode node) => node is YamlScalarNode { Value: null or "" or "null" or "~", Style: ScalarStyle.Plain };

    /// <summary>A whole number within [min, max].</summary>
    public int Int(YamlNode node, string what, int min, int max)
    {
        var text = Scalar(node, what);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw Error(node, $"'{what}' must be a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    /// <summary>A finite positive number.</summary>
    public double PositiveDouble(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
        {
            throw Error(node, $"'{what}' must be a positive number, not '{text}'");
        }

        return value;
    }

    /// <summary>true/yes/on or false/no/off.</summary>
    public bool Bool(YamlNode node, string what) => Scalar(node, what) switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var other => throw Error(node, $"'{what}' must be true or false, not '{other}'"),
    };

    /// <summary>A positive duration (the gateway's duration grammar).</summary>
    public TimeSpan Duration(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        if (!Quantities.TryParseDuration(text, out var value) || value <= TimeSpan.Zero)
        {
            throw Error(node, $"'{what}' must be a positive duration such as 500ms, 10s, 2m or 1h, not '{text}'");
        }

        return value;
    }

    /// <summary>A positive size in bytes (the gateway's size grammar).</summary>
    public long Size(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        if (!Quantities.TryParseSize(text, out var value) || value <= 0)
        {
            throw Error(node, $"'{what}' must be a positive size such as 512k, 10m or 1g, not '{text}'");
        }

        return value;
    }

    /// <summary>A list of scalars.</summary>
    public List<string> Sequence(YamlNode node, string what) =>
        node is YamlSequenceNode seq
            ? seq.Children.Select(c => Scalar(c, what)).ToList()
            : throw Error(node, $"'{what}' must be a list such as [\"a\", \"b\"]");

    /// <summary>A mapping of environment-variable names to values (a null value is "").</summary>
    public Dictionary<string, string> StringMap(YamlNode node, string what)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in Mapping(node, $"'{what}'").Children)
        {
            var key = Scalar(k, what);
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal))
            {
                throw Error(k, $"'{what}' name '{key}' is not a valid environment variable name");
            }

            result[key] = IsNull(v) ? "" : Scalar(v, key);
        }

        return result;
    }

    /// <summary>An error at the node's position.</summary>
    public GatewayConfigException Error(YamlNode node, string reason) =>
        new(Source, (int)node.Start.Line, (int)node.Start.Column, reason);
}

/// <summary>One key's value as a handler sees it: the node, its key and typed readers that report errors at the node.</summary>
internal readonly record struct YamlValue(StrictYamlReader Reader, string Key, YamlNode Node)
{
    public bool IsNull => StrictYamlReader.IsNull(Node);

    public string Scalar() => Reader.Scalar(Node, Key);

    public int Int(int min, int max) => Reader.Int(Node, Key, min, max);

    public double PositiveDouble() => Reader.PositiveDouble(Node, Key);

    public bool Bool() => Reader.Bool(Node, Key);

    public TimeSpan Duration() => Reader.Duration(Node, Key);

    public long Size() => Reader.Size(Node, Key);

    public List<string> Sequence() => Reader.Sequence(Node, Key);

    public Dictionary<string, string> StringMap() => Reader.StringMap(Node, Key);

    public GatewayConfigException Error(string reason) => Reader.Error(Node, reason);
}

/// <summary>
/// The keys a mapping allows, each with the handler that reads it. The table is the allow-list, so a key cannot be
/// allowed without a handler of its own. Keys keep their declaration order (for the "expected one of" list).
/// </summary>
internal sealed class YamlKeyTable<T>
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, Func<T, YamlValue, T>> _handlers = new(StringComparer.Ordinal);

    /// <summary>The allowed keys, in declaration order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Adds a key; a key declared twice is a programming error.</summary>
    public Func<T, YamlValue, T> this[string key]
    {
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!_handlers.TryAdd(key, value))
            {
                throw new ArgumentException($"key '{key}' is declared twice", nameof(key));
            }

            _keys.Add(key);
        }
    }

    public bool TryGetHandler(string key, out Func<T, YamlValue, T> handler) => _handlers.TryGetValue(key, out handler!);
}
