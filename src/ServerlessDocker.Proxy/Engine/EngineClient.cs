using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ServerlessDocker.Proxy.Engine;

/// <summary>
/// The proxy's own client to the engine for look-ups (inspect, list, cleanup). It never follows redirects
/// and always uses the path forms it built itself.
/// </summary>
internal sealed class EngineClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates a client over <paramref name="endpoint"/>.</summary>
    public EngineClient(UpstreamConnector endpoint, TimeProvider timeProvider)
    {
        Images = new ImageLookupCache(timeProvider);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = async (_, ct) => new NetworkStream(await endpoint.ConnectAsync(ct).ConfigureAwait(false), ownsSocket: true),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://docker"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Images already looked up by reference for creates (see <see cref="ImageLookupCache"/>).</summary>
    public ImageLookupCache Images { get; }

    /// <summary>Labels of containers already looked up by full ID (see <see cref="ContainerOwnershipCache"/>).</summary>
    public ContainerOwnershipCache Containers { get; } = new(4096);

    /// <summary>
    /// Inspects a container by name, ID or ID prefix; null when the engine does not know it. A full ID seen
    /// before is answered from <see cref="Containers"/>, with no name.
    /// </summary>
    public async Task<EngineObject?> InspectContainerAsync(string reference, CancellationToken cancellationToken)
    {
        if (ContainerOwnershipCache.IsFullId(reference) && Containers.TryGet(reference, out var cached))
        {
            return new EngineObject(reference, cached, []);
        }

        var json = await GetJsonAsync($"/containers/{Uri.EscapeDataString(reference)}/json", cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            return null;
        }

        var container = new EngineObject(
            json["Id"]!.GetValue<string>(),
            ReadLabels(json["Config"]?["Labels"]),
            [json["Name"]?.GetValue<string>()?.TrimStart('/') ?? string.Empty]);
        Containers.Add(container.Id, container.Labels);
        return container;
    }

    /// <summary>Inspects an exec instance; returns its full ID and its container's ID.</summary>
    public async Task<(string ExecId, string ContainerId)?> InspectExecAsync(string id, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync($"/exec/{Uri.EscapeDataString(id)}/json", cancellationToken).ConfigureAwait(false);
        return json is null ? null : (json["ID"]!.GetValue<string>(), json["ContainerID"]!.GetValue<string>());
    }

    /// <summary>Inspects an image by reference or ID.</summary>
    public async Task<EngineObject?> InspectImageAsync(string reference, CancellationToken cancellationToken)
    {
        // Image references contain '/', which the engine's greedy {name:.*} route accepts unescaped.
        var json = await GetJsonAsync($"/images/{EscapeKeepingSlashes(reference)}/json", cancellationToken).ConfigureAwait(false);
        return json is null ? null : new EngineObject(
            json["Id"]!.GetValue<string>(),
            ReadLabels(json["Config"]?["Labels"]),
            json["RepoTags"] is JsonArray tags ? [.. tags.Select(t => t!.GetValue<string>())] : []);
    }

    /// <summary>
    /// Inspects an image by reference, served from <see cref="Images"/> when it holds a current entry; a missing
    /// image is always asked for.
    /// </summary>
    public async Task<EngineObject?> InspectImageCachedAsync(string reference, CancellationToken cancellationToken)
    {
        if (Images.TryGet(reference, out var cached))
        {
            return cached;
        }

        var generation = Images.Generation;
        var image = await InspectImageAsync(reference, cancellationToken).ConfigureAwait(false);
        if (image is not null)
        {
            Images.Add(reference, image, generation);
        }

        return image;
    }

    /// <summary>Inspects a network by name or ID.</summary>
    public async Task<EngineObject?> InspectNetworkAsync(string reference, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync($"/networks/{Uri.EscapeDataString(reference)}", cancellationToken).ConfigureAwait(false);
        return json is null ? null : new EngineObject(
            json["Id"]!.GetValue<string>(),
            ReadLabels(json["Labels"]),
            [json["Name"]?.GetValue<string>() ?? string.Empty]);
    }

    /// <summary>Inspects a volume by name.</summary>
    public async Task<EngineObject?> InspectVolumeAsync(string name, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync($"/volumes/{Uri.EscapeDataString(name)}", cancellationToken).ConfigureAwait(false);
        return json is null ? null : new EngineObject(json["Name"]!.GetValue<string>(), ReadLabels(json["Labels"]), []);
    }

    /// <summary>Lists all containers (any state) carrying a label (<c>key=value</c>).</summary>
    public async Task<IReadOnlyList<EngineObject>> ListContainersAsync(string labelFilter, CancellationToken cancellationToken)
    {
        var filters = LabelFilter(labelFilter);
        var array = await GetJsonAsync($"/containers/json?all=1&filters={filters}", cancellationToken).ConfigureAwait(false);
        return array is JsonArray items
            ? [.. items.Select(i => new EngineObject(i!["Id"]!.GetValue<string>(), ReadLabels(i["Labels"]), []))]
            : [];
    }

    /// <summary>Lists volume names or network IDs carrying a label.</summary>
    public async Task<IReadOnlyList<string>> ListLabelledAsync(string kind, string labelFilter, CancellationToken cancellationToken)
    {
        var filters = LabelFilter(labelFilter);
        var json = await GetJsonAsync($"/{kind}?filters={filters}", cancellationToken).ConfigureAwait(false);
        return kind == "volumes"
            ? json?["Volumes"] is JsonArray volumes ? [.. volumes.Select(v => v!["Name"]!.GetValue<string>())] : []
            : json is JsonArray networks ? [.. networks.Select(n => n!["Id"]!.GetValue<string>())] : [];
    }

    /// <summary>Creates a labelled named volume (used to pre-create volumes a create names, so they are owned).</summary>
    public async Task CreateVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var labelsJson = new JsonObject();
        foreach (var (key, value) in labels)
        {
            labelsJson[key] = value;
        }

        using var content = new StringContent(new JsonObject { ["Name"] = name, ["Labels"] = labelsJson }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/volumes/create", content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sends a DELETE and ignores 404/409 (best-effort cleanup).</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Conflict))
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Waits until a container is not running (or is gone); the token bounds the wait.</summary>
    public async Task WaitNotRunningAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync($"/containers/{id}/wait?condition=not-running", content: null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// Opens the engine's event stream with the given filters JSON; with <paramref name="since"/>, events from that
    /// time are replayed first (the engine answers before it subscribes, so this closes the gap).
    /// </summary>
    public async Task<Stream> OpenEventsAsync(string filtersJson, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var sinceQuery = since is { } from ? "&since=" + from.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        var response = await _http.GetAsync($"/events?filters={Uri.EscapeDataString(filtersJson)}{sinceQuery}", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string LabelFilter(string label) =>
        Uri.EscapeDataString(new JsonObject { ["label"] = new JsonArray(label) }.ToJsonString());

    private static string EscapeKeepingSlashes(string reference) =>
        string.Join('/', reference.Split('/').Select(Uri.EscapeDataString));

    private static Dictionary<string, string> ReadLabels(JsonNode? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                labels[key] = value?.GetValue<string>() ?? string.Empty;
            }
        }

        return labels;
    }

    private async Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            // 400 for malformed references and 3xx (never followed) are treated as "no such object".
            if ((int)response.StatusCode is >= 300 and < 500)
            {
                return null;
            }

            response.EnsureSuccessStatusCode();
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(bytes);
    }
}
