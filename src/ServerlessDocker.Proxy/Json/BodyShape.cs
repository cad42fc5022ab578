using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDocker.Proxy.Json;

/// <summary>
/// The type of one JSON value as the engine's Go decoder binds it. A body is checked against its shape before any
/// rule reads it: an unknown field, a value of the wrong kind or a number the Go type cannot hold is a 400 naming
/// the field, so nothing the proxy has not typed reaches the engine and no malformed value reaches a check.
/// </summary>
internal abstract class BodyShape
{
    /// <summary>A Go string.</summary>
    public static readonly BodyShape Str = new StringShape();

    /// <summary>A Go bool (or *bool).</summary>
    public static readonly BodyShape Bool = new BoolShape();

    /// <summary>A Go int64 / int.</summary>
    public static readonly BodyShape Int = new IntegerShape("int64", long.MinValue, long.MaxValue);

    /// <summary>A Go uint16.</summary>
    public static readonly BodyShape U16 = new IntegerShape("uint16", 0, ushort.MaxValue);

    /// <summary>A Go uint32 (os.FileMode).</summary>
    public static readonly BodyShape U32 = new IntegerShape("uint32", 0, uint.MaxValue);

    /// <summary>A Go uint64, limited to what an int64 holds (no engine value needs more).</summary>
    public static readonly BodyShape U64 = new IntegerShape("uint64", 0, long.MaxValue);

    /// <summary>A Go []string.</summary>
    public static readonly BodyShape Strings = new ArrayShape(Str);

    /// <summary>The engine's StrSlice: a string or an array of strings.</summary>
    public static readonly BodyShape StrSlice = new StrSliceShape();

    /// <summary>A Go map[string]string.</summary>
    public static readonly BodyShape StringMap = new MapShape(Str);

    /// <summary>A Go map[string]struct{} (ExposedPorts, Volumes): every value is an empty object.</summary>
    public static readonly BodyShape SetMap = new MapShape(new ObjectShape("struct{}", []));

    /// <summary>The name of the type, for messages.</summary>
    public abstract string TypeName { get; }

    /// <summary>An array of <paramref name="item"/>.</summary>
    public static BodyShape ArrayOf(BodyShape item) => new ArrayShape(item);

    /// <summary>A map from string keys to <paramref name="value"/>.</summary>
    public static BodyShape MapOf(BodyShape value) => new MapShape(value);

    /// <summary>A struct with the given fields (matched with Go's key folding); any other key is refused.</summary>
    public static BodyShape Struct(string name, params (string Field, BodyShape Shape)[] fields) => new ObjectShape(name, fields);

    /// <summary>Checks <paramref name="value"/>, throwing a 400 that names <paramref name="path"/> when it does not fit.</summary>
    public void Check(JsonNode? value, string path)
    {
        // JSON null decodes into any Go type (it leaves the zero value).
        if (value is not null)
        {
            CheckValue(value, path);
        }
    }

    /// <summary>Checks a non-null value.</summary>
    protected abstract void CheckValue(JsonNode value, string path);

    /// <summary>The 400 for a value of the wrong kind.</summary>
    protected RequestRejectedException Mismatch(JsonNode value, string path) =>
        new(400, $"{path} must be {Article(TypeName)} {TypeName}, not {Describe(value)}");

    private static string Article(string type) => type.Length > 0 && "aeiouAEIOU".Contains(type[0], StringComparison.Ordinal) ? "an" : "a";

    /// <summary>A short description of a JSON value for messages (numbers and short strings verbatim).</summary>
    protected static string Describe(JsonNode value) => value switch
    {
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Number => Truncate(v.ToJsonString()),
            _ => "a " + v.GetValueKind().ToString().ToLowerInvariant(),
        },
        _ => "a value",
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private sealed class StringShape : BodyShape
    {
        public override string TypeName => "string";

        protected override void CheckValue(JsonNode value, string path)
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                throw Mismatch(value, path);
            }
        }
    }

    private sealed class BoolShape : BodyShape
    {
        public override string TypeName => "boolean";

        protected override void CheckValue(JsonNode value, string path)
        {
            if (value is not JsonValue v || v.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Mismatch(value, path);
            }
        }
    }

    private sealed class IntegerShape(string name, long min, long max) : BodyShape
    {
        public override string TypeName => $"integer ({name})";

        protected override void CheckValue(JsonNode value, string path)
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
            {
                throw Mismatch(value, path);
            }

            // Go binds an integer field only from an integer literal: 1.0, 1e3 and 1e400 are refused, as is a value
            // outside the type. -0 is 0.
            var text = v.ToJsonString();
            if (text.AsSpan().IndexOfAny('.', 'e', 'E') >= 0 || !long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
                || number < min || number > max)
            {
                throw new RequestRejectedException(400, $"{path} must be an {TypeName} between {min} and {max}, not {Describe(value)}");
            }
        }
    }

    private sealed class ArrayShape(BodyShape item) : BodyShape
    {
        public override string TypeName => $"array of {item.TypeName}";

        protected override void CheckValue(JsonNode value, string path)
        {
            if (value is not JsonArray array)
            {
                throw Mismatch(value, path);
            }

            for (var i = 0; i < array.Count; i++)
            {
                item.Check(array[i], $"{path}[{i}]");
            }
        }
    }

    private sealed class StrSliceShape : BodyShape
    {
        public override string TypeName => "string or array of strings";

        protected override void CheckValue(JsonNode value, string path)
        {
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                return;
            }

            if (value is not JsonArray)
            {
                throw Mismatch(value, path);
            }

            Strings.Check(value, path);
        }
    }

    private sealed class MapShape(BodyShape item) : BodyShape
    {
        public override string TypeName => $"map of {item.TypeName}";

        protected override void CheckValue(JsonNode value, string path)
        {
            if (value is not JsonObject map)
            {
                throw Mismatch(value, path);
            }

            foreach (var (key, entry) in map)
            {
                item.Check(entry, $"{path}[{key}]");
            }
        }
    }

    private sealed class ObjectShape : BodyShape
    {
        private readonly string _name;
        private readonly Dictionary<string, (string Field, BodyShape Shape)> _fields;

        public ObjectShape(string name, (string Field, BodyShape Shape)[] fields)
        {
            _name = name;
            _fields = fields.ToDictionary(f => GoKeyFolding.Fold(f.Field), f => f, StringComparer.Ordinal);
        }

        public override string TypeName => $"object ({_name})";

        protected override void CheckValue(JsonNode value, string path)
        {
            if (value is not JsonObject obj)
            {
                throw Mismatch(value, path);
            }

            foreach (var (key, entry) in obj)
            {
                if (!_fields.TryGetValue(GoKeyFolding.Fold(key), out var field))
                {
                    throw new RequestRejectedException(400, $"unknown field '{key}' in {(path.Length == 0 ? "the body" : path)} ({_name}); the proxy forwards only fields it checks");
                }

                field.Shape.Check(entry, path.Length == 0 ? field.Field : $"{path}.{field.Field}");
            }
        }
    }
}
