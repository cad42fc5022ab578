using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>
/// Adds the owner label to a list, events or prune request's <c>filters</c> parameter. The engine ANDs
/// label filters, so the client's own filters keep working and can only narrow the result further.
/// Both the array form (<c>{"label":["a"]}</c>) and the legacy map form (<c>{"label":{"a":true}}</c>) are read.
/// </summary>
internal static class FilterRewriter
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 8 };

    /// <summary>Returns the query with <c>filters</c> replaced by the client's filters plus <c>label=<paramref name="ownerLabel"/></c>.</summary>
    public static QueryParameters AddLabel(QueryParameters query, string ownerLabel)
    {
        var filters = Parse(query.Get("filters"));
        if (!filters.TryGetValue("label", out var labels))
        {
            labels = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            filters["label"] = labels;
        }

        labels[ownerLabel] = true;
        var json = new JsonObject();
        foreach (var (key, values) in filters)
        {
            var map = new JsonObject();
            foreach (var (v, flag) in values)
            {
                map[v] = flag;
            }

            json[key] = map;
        }

        return query.With("filters", json.ToJsonString());
    }

    /// <summary>Parses a filters value in either form into the map form.</summary>
    public static SortedDictionary<string, SortedDictionary<string, bool>> Parse(string? value)
    {
        var result = new SortedDictionary<string, SortedDictionary<string, bool>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(value))
        {
            return result;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(value, documentOptions: Options);
        }
        catch (JsonException ex)
        {
            throw new RequestRejectedException(400, $"invalid filters: {ex.Message}");
        }

        if (node is not JsonObject obj)
        {
            throw new RequestRejectedException(400, "invalid filters: not an object");
        }

        foreach (var (key, item) in obj)
        {
            var values = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            switch (item)
            {
                case JsonArray array:
                    foreach (var v in array)
                    {
                        values[v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : throw new RequestRejectedException(400, "invalid filters: values must be strings")] = true;
                    }

                    break;
                case JsonObject map:
                    foreach (var (k, v) in map)
                    {
                        if (v is not JsonValue b || !b.TryGetValue<bool>(out var flag))
                        {
                            throw new RequestRejectedException(400, "invalid filters: map values must be booleans");
                        }

                        if (flag)
                        {
                            values[k] = true;
                        }
                    }

                    break;
                default:
                    throw new RequestRejectedException(400, "invalid filters: values must be arrays or maps");
            }

            result[key] = values;
        }

        return result;
    }
}
