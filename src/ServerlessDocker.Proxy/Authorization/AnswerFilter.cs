using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>
/// What a scoped client may see of the engine's own answers. The engine's version answer is cut to the fields a client
/// negotiates with (whitelisted: no kernel build, commit or component details); inspect and list answers lose the host
/// paths they carry (the storage driver's directories, the container's resolv.conf/hosts/hostname/log files, a
/// volume's mount point on the host). Only whole JSON answers of status 200 are filtered; anything else passes as is.
/// </summary>
internal static class AnswerFilter
{
    /// <summary>The largest answer the proxy buffers to filter (an inspect is a few KiB; a list of many containers more).</summary>
    public const long MaxFilteredBytes = 32L * 1024 * 1024;

    private static readonly HashSet<string> VersionFields =
        new(["Version", "ApiVersion", "MinAPIVersion", "Os", "Arch", "GoVersion", "Experimental"], StringComparer.Ordinal);

    private static readonly string[] ContainerHostPaths = ["ResolvConfPath", "HostnamePath", "HostsPath", "LogPath"];

    /// <summary>The filter for an authorised route's answer, or null when the answer passes unchanged.</summary>
    public static Func<byte[], byte[]>? For(string routeName) => routeName switch
    {
        "system.version" => body => Rewrite(body, Version),
        "container.json" => body => Rewrite(body, Container),
        "container.list" => body => Rewrite(body, node => EachObject(node, Container)),
        "image.inspect" => body => Rewrite(body, Image),
        "volume.inspect" => body => Rewrite(body, Volume),
        "volume.list" => body => Rewrite(body, node =>
        {
            if (node is JsonObject o && o["Volumes"] is JsonArray volumes)
            {
                EachObject(volumes, Volume);
            }
        }),
        _ => null,
    };

    private static byte[] Rewrite(byte[] body, Action<JsonNode> filter)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return body;  // not JSON (an engine error text, say): nothing of the shapes below to remove
        }

        if (node is null)
        {
            return body;
        }

        filter(node);
        using var output = new MemoryStream(body.Length);
        using (var writer = new Utf8JsonWriter(output))
        {
            node.WriteTo(writer);
        }

        return output.ToArray();
    }

    private static void Version(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var name in o.Select(p => p.Key).Where(k => !VersionFields.Contains(k)).ToList())
            {
                o.Remove(name);
            }
        }
    }

    private static void Container(JsonNode node)
    {
        if (node is not JsonObject o)
        {
            return;
        }

        foreach (var name in ContainerHostPaths.Where(o.ContainsKey))
        {
            o[name] = "";
        }

        GraphDriver(o);
        if (o["Mounts"] is JsonArray mounts)
        {
            EachObject(mounts, mount =>
            {
                // A volume's source is its directory under the engine's data root; a bind's source the tenant named itself.
                if (mount is JsonObject m && (string?)m["Type"] == "volume" && m.ContainsKey("Source"))
                {
                    m["Source"] = "";
                }
            });
        }
    }

    private static void Image(JsonNode node)
    {
        if (node is JsonObject o)
        {
            GraphDriver(o);
        }
    }

    private static void Volume(JsonNode node)
    {
        if (node is JsonObject o && o.ContainsKey("Mountpoint"))
        {
            o["Mountpoint"] = "";
        }
    }

    private static void GraphDriver(JsonObject o)
    {
        if (o["GraphDriver"] is JsonObject driver && driver.ContainsKey("Data"))
        {
            driver["Data"] = new JsonObject();
        }
    }

    private static void EachObject(JsonNode node, Action<JsonNode> filter)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array.OfType<JsonNode>())
            {
                filter(item);
            }
        }
    }
}
