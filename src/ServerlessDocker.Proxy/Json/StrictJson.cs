using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDocker.Proxy.Json;

/// <summary>
/// Parses request bodies the way the engine reads them, but stricter: keys that Go would fold onto the
/// same struct field are rejected instead of "last one wins", exact duplicates and trailing data are
/// rejected, and struct keys must be ASCII. The checked DOM is what the proxy re-serialises and forwards.
/// </summary>
internal static class StrictJson
{
    // Map-typed fields of the engine's structs: their keys are data (case-sensitive in Go), not field names.
    // Mirrors the list of map fields in the Engine API types (labels, options, endpoint maps, ...).
    private static readonly HashSet<string> MapFields = new(
        new[]
        {
            "Labels", "Sysctls", "EndpointsConfig", "PortBindings", "ExposedPorts", "Volumes", "Tmpfs",
            "StorageOpt", "Config", "DriverOpts", "Options", "Annotations", "Attachable_Options",
        }.Select(GoKeyFolding.Fold),
        StringComparer.Ordinal);

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };

    /// <summary>
    /// Parses a body that must be a JSON object of the given shape (or empty, which yields an empty object): every
    /// field must be one the shape lists, with a value its Go type can hold.
    /// </summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> body, BodyShape shape)
    {
        var obj = ParseObject(body);
        shape.Check(obj, string.Empty);
        return obj;
    }

    /// <summary>Parses a body that must be a JSON object (or empty, which yields an empty object).</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> body)
    {
        if (IsBlank(body))
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body, NodeOptions, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new RequestRejectedException(400, $"invalid JSON body{(ex.Path is { Length: > 1 } at ? $" at {at}" : string.Empty)}: {ex.Message}");
        }

        if (node is not JsonObject obj)
        {
            throw new RequestRejectedException(400, "the JSON body must be an object");
        }

        CheckStruct(obj, "$");
        return obj;
    }

    /// <summary>Finds the value of the field Go would bind for <paramref name="fieldName"/> (null when absent).</summary>
    public static JsonNode? Get(JsonObject obj, string fieldName) =>
        FindKey(obj, fieldName) is { } key ? obj[key] : null;

    /// <summary>Finds the actual key in <paramref name="obj"/> that binds to <paramref name="fieldName"/>.</summary>
    public static string? FindKey(JsonObject obj, string fieldName)
    {
        var folded = GoKeyFolding.Fold(fieldName);
        foreach (var (key, _) in obj)
        {
            if (string.Equals(GoKeyFolding.Fold(key), folded, StringComparison.Ordinal))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>Replaces whatever key binds to <paramref name="fieldName"/> with the canonical spelling and a new value.</summary>
    public static void Set(JsonObject obj, string fieldName, JsonNode? value)
    {
        if (FindKey(obj, fieldName) is { } existing)
        {
            obj.Remove(existing);
        }

        obj[fieldName] = value;
    }

    /// <summary>Returns the object value of a field, or null when absent or JSON null; rejects other kinds.</summary>
    public static JsonObject? GetObject(JsonObject obj, string fieldName) => Get(obj, fieldName) switch
    {
        null => null,
        JsonObject o => o,
        _ => throw new RequestRejectedException(400, $"{fieldName} must be an object"),
    };

    /// <summary>Returns a string field, or null when absent or JSON null; rejects other kinds.</summary>
    public static string? GetString(JsonObject obj, string fieldName)
    {
        var node = Get(obj, fieldName);
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        throw new RequestRejectedException(400, $"{fieldName} must be a string");
    }

    /// <summary>Returns a boolean field (false when absent or null).</summary>
    public static bool GetBool(JsonObject obj, string fieldName)
    {
        var node = Get(obj, fieldName);
        if (node is null)
        {
            return false;
        }

        if (node is JsonValue v && v.TryGetValue<bool>(out var b))
        {
            return b;
        }

        throw new RequestRejectedException(400, $"{fieldName} must be a boolean");
    }

    /// <summary>Returns an integer field (0 when absent or null).</summary>
    public static long GetLong(JsonObject obj, string fieldName)
    {
        var node = Get(obj, fieldName);
        if (node is null)
        {
            return 0;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l))
        {
            return l;
        }

        throw new RequestRejectedException(400, $"{fieldName} must be an integer");
    }

    /// <summary>Returns the strings of an array field (empty when absent or null).</summary>
    public static IReadOnlyList<string> GetStrings(JsonObject obj, string fieldName)
    {
        var node = Get(obj, fieldName);
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw new RequestRejectedException(400, $"{fieldName} must be an array");
        }

        var result = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is JsonValue v && v.TryGetValue<string>(out var s))
            {
                result.Add(s);
            }
            else
            {
                throw new RequestRejectedException(400, $"{fieldName} must be an array of strings");
            }
        }

        return result;
    }

    /// <summary>True when the field is present and non-null (even an empty array counts: it overrides a default).</summary>
    public static bool IsPresent(JsonObject obj, string fieldName) => Get(obj, fieldName) is not null;

    /// <summary>True when the field is present and is a non-empty array, object or string, true, or a non-zero number.</summary>
    public static bool IsNonEmpty(JsonObject obj, string fieldName) => Get(obj, fieldName) switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<decimal>() != 0,
        _ => true,
    };

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckStruct(JsonObject obj, string path)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (!GoKeyFolding.IsAscii(key))
            {
                throw new RequestRejectedException(400, $"non-ASCII key '{key}' at {path} is not accepted");
            }

            var folded = GoKeyFolding.Fold(key);
            if (!seen.TryAdd(folded, key))
            {
                throw new RequestRejectedException(400, $"keys '{seen[folded]}' and '{key}' at {path} name the same field");
            }

            if (MapFields.Contains(folded))
            {
                CheckMapValues(value, $"{path}.{key}");
            }
            else
            {
                CheckValue(value, $"{path}.{key}");
            }
        }
    }

    private static void CheckMapValues(JsonNode? value, string path)
    {
        if (value is JsonObject map)
        {
            foreach (var (key, item) in map)
            {
                CheckValue(item, $"{path}[{key}]");
            }
        }
        else
        {
            CheckValue(value, path);
        }
    }

    private static void CheckValue(JsonNode? value, string path)
    {
        switch (value)
        {
            case JsonObject o:
                CheckStruct(o, path);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    CheckValue(a[i], $"{path}[{i}]");
                }

                break;
        }
    }
}
