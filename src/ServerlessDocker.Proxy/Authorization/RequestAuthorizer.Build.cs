using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>
/// Builds: every query parameter the engine's classic builder reads is whitelisted by shape; anything else is refused.
/// The proxy rebuilds the query itself, and the body is forwarded as a tar only (see <see cref="StreamContentType"/>).
/// The build cache is the scope's own images only (<c>cachefrom</c>), never another scope's layers.
/// </summary>
internal sealed partial class RequestAuthorizer
{
    // Parameters the engine reads and the proxy accepts, once each (Go's FormValue takes the first of several).
    private static readonly HashSet<string> BuildSingle =
    [
        "dockerfile", "q", "nocache", "forcerm", "rm", "pull", "squash", "memswap", "memory", "cpushares", "cpuperiod",
        "cpuquota", "cpusetcpus", "cpusetmems", "networkmode", "target", "buildid", "platform", "shmsize", "ulimits",
        "buildargs", "labels", "cachefrom", "version",
    ];

    // Parameters that reach the host or outside the scope; an empty value is dropped, any other is refused.
    private static readonly string[] BuildRefused = ["remote", "cgroupparent", "session", "outputs", "isolation", "securityopt"];

    private static readonly string[] BuildIntegers = ["memswap", "memory", "cpushares", "cpuperiod", "cpuquota", "shmsize"];

    private static readonly Regex CpuSet = new("^[0-9,-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Platform = new("^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*){0,2}$", RegexOptions.CultureInvariant);
    private static readonly Regex Token = new("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Integer = new("^[+-]?[0-9]{1,19}$", RegexOptions.CultureInvariant);

    // The image name grammar (no digest: a build names tags).
    private static readonly Regex Tag = new(
        @"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$",
        RegexOptions.CultureInvariant);

    private async Task<ForwardPlan> AuthorizeBuildAsync(string prefix, QueryParameters query, CancellationToken cancellationToken)
    {
        if (!Policy.AllowBuild)
        {
            Deny("building images is not allowed by the policy");
        }

        foreach (var refused in BuildRefused)
        {
            if (query.GetAll(refused).Any(v => v.Length > 0) || (refused == "securityopt" && query.GetAll(refused).Count > 0))
            {
                Deny(refused == "remote" ? "remote build contexts are not allowed" : $"build parameter '{refused}' is not allowed");
            }

            query = query.Without(refused);
        }

        foreach (var key in query.Items.Select(p => p.Key).Distinct(StringComparer.Ordinal))
        {
            if (key is not ("t" or "extrahosts") && !BuildSingle.Contains(key))
            {
                throw new RequestRejectedException(400, $"build parameter '{key}' is not known to the proxy and is refused");
            }

            if (key is not ("t" or "extrahosts"))
            {
                query.Get(key); // refuses a repeated single-valued parameter
            }
        }

        if (query.Get("version") is { Length: > 0 } version && version != "1")
        {
            Deny("only the classic builder (version=1) is allowed");
        }

        if (query.Get("networkmode") is { Length: > 0 } networkMode && !(networkMode is "default" || (networkMode is "none" or "bridge" && Policy.NetworkModes.Contains(networkMode))))
        {
            Deny($"build network mode '{networkMode}' is not allowed (only 'default' or 'none')");
        }

        if (EngineBool(query.Get("pull")) && !Policy.AllowPull)
        {
            Deny("pulling base images (pull) is not allowed by the policy");
        }

        foreach (var key in BuildIntegers)
        {
            if (query.Get(key) is { Length: > 0 } number && !(Integer.IsMatch(number) && long.TryParse(number, out _)))
            {
                throw new RequestRejectedException(400, $"build parameter '{key}' must be an integer, not '{number}'");
            }
        }

        query = ApplyBuildLimits(query);
        CheckShape(query, "cpusetcpus", CpuSet, "a CPU list such as 0-1,3");
        CheckShape(query, "cpusetmems", CpuSet, "a memory node list such as 0-1");
        CheckShape(query, "platform", Platform, "os[/arch[/variant]]");
        CheckShape(query, "target", Token, "a stage name");
        CheckShape(query, "buildid", Token, "letters, digits, '_', '.' or '-'");
        CheckDockerfileName(query.Get("dockerfile"));
        if (query.Get("ulimits") is { Length: > 0 } ulimits && ulimits is not ("null" or "[]"))
        {
            Deny("build parameter 'ulimits' is not allowed");
        }

        foreach (var host in query.GetAll("extrahosts"))
        {
            var colon = host.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !Token.IsMatch(host[..colon]) || !(host[(colon + 1)..] == "host-gateway" || IPAddress.TryParse(host[(colon + 1)..], out _)))
            {
                throw new RequestRejectedException(400, $"build parameter 'extrahosts' must be host:ip, not '{host}'");
            }
        }

        foreach (var tag in query.GetAll("t"))
        {
            if (!Tag.IsMatch(tag) || tag.Length > 255)
            {
                throw new RequestRejectedException(400, $"build tag '{tag}' is not a valid image name[:tag]");
            }

            await CheckImageTargetAsync(TagReference(tag, null), cancellationToken).ConfigureAwait(false);
        }

        var buildArgs = ParseBuildJson(query.Get("buildargs"), "buildargs") as JsonObject;
        if (buildArgs is not null && buildArgs.Any(a => a.Value is not null && a.Value.GetValueKind() != JsonValueKind.String))
        {
            throw new RequestRejectedException(400, "buildargs must map names to strings");
        }

        var clientLabels = ParseBuildJson(query.Get("labels"), "labels") as JsonObject;
        if (clientLabels is not null)
        {
            foreach (var (key, value) in clientLabels)
            {
                if (key.StartsWith("io.sdock.", StringComparison.OrdinalIgnoreCase))
                {
                    throw new RequestRejectedException(403, $"label '{key}' is reserved for the proxy");
                }

                if (value is null || value.GetValueKind() != JsonValueKind.String)
                {
                    throw new RequestRejectedException(400, $"label '{key}' must have a string value");
                }
            }
        }

        if (ParseBuildJson(query.Get("cachefrom"), "cachefrom") is JsonArray cacheFrom)
        {
            // Cache sources are read like a base image: only the scope's own images.
            var resolved = new JsonArray();
            foreach (var source in cacheFrom)
            {
                if (source is null || source.GetValueKind() != JsonValueKind.String)
                {
                    throw new RequestRejectedException(400, "cachefrom must be a JSON array of image names");
                }

                resolved.Add(await OwnedImageAsync(source.GetValue<string>(), cancellationToken).ConfigureAwait(false));
            }

            query = query.With("cachefrom", resolved.ToJsonString());
        }
        else if (query.Get("cachefrom") is not null)
        {
            query = query.Without("cachefrom");
        }

        // The classic builder's cache is every image on the engine: a step another scope built with the same
        // instruction would be reused (its files, not this build's). Only the scope's own images, named in
        // cachefrom, may serve as cache; without them the build runs uncached.
        if (query.Get("cachefrom") is not { Length: > 2 })
        {
            query = query.Without("cachefrom").With("nocache", "1");
        }

        // The proxy's labels override any inherited from the base image; intermediate containers are always removed.
        var labels = StampLabels(clientLabels);
        var rewritten = query.With("labels", labels.ToJsonString()).With("forcerm", "1").With("rm", "1");
        var args = buildArgs?.ToDictionary(a => a.Key, a => a.Value?.GetValue<string>(), StringComparer.Ordinal) ?? [];
        var dockerfile = query.Get("dockerfile");
        return Plan("POST", prefix + "/build", rewritten, stream: true) with
        {
            CheckStreamedBody = (context, ct) => CheckBuildImagesAsync(context, dockerfile, args, ct),
        };
    }

    /// <summary>
    /// Applies the run's image rules to every image the Dockerfile reads (<c>FROM</c>, <c>COPY --from</c>): one the
    /// scope may not run it may not build from either, and one missing from the engine would be pulled, which only a
    /// policy that allows pulls permits.
    /// </summary>
    private async Task CheckBuildImagesAsync(Stream context, string? dockerfile, IReadOnlyDictionary<string, string?> buildArgs, CancellationToken cancellationToken)
    {
        var text = await BuildContext.ReadDockerfileAsync(context, dockerfile, cancellationToken).ConfigureAwait(false);
        foreach (var image in DockerfileImages.Parse(text, buildArgs))
        {
            var local = await _engine.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            CheckImage(image, local);
            if (local is null && !Policy.AllowPull)
            {
                Deny($"base image '{image}' is not on the engine, and pulling it is not allowed by the policy");
            }
        }
    }

    /// <summary>
    /// A build's RUN steps run in intermediate containers that get the build's <c>memory</c>, <c>memswap</c>,
    /// <c>cpuquota</c>/<c>cpuperiod</c>, <c>cpushares</c> and cpuset parameters. The proxy applies the scope's
    /// per-container limits to them as it does to a create: a missing memory limit gets the policy's default (or its
    /// maximum), a CPU limit the default CPUs (or the maximum) as quota/period, and a client value above the maximum
    /// is refused. The build API has no PIDs limit, and its containers are not counted by quotas, so a build under a
    /// quota that counts memory, PIDs or CPUs is refused.
    /// </summary>
    private QueryParameters ApplyBuildLimits(QueryParameters query)
    {
        var limits = Policy.Limits;
        long Read(string key) => query.Get(key) is { Length: > 0 } v ? long.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : 0;

        for (var scope = _scope; scope is not null; scope = scope.Parent)
        {
            var quota = scope.Policy.Quota;
            if (quota.MaxTotalMemoryBytes > 0 || quota.MaxTotalPids > 0 || quota.MaxTotalCpus > 0)
            {
                Deny($"scope '{scope.Path}' has a memory, PIDs or CPU quota, which a build's RUN containers would escape (the build API has no PIDs limit and builds are not counted); build outside the quota");
            }
        }

        var memory = Read("memory");
        if (memory < 0)
        {
            throw new RequestRejectedException(400, $"build parameter 'memory' must be 0 (the policy's default) or a number of bytes, not {memory}");
        }

        if (memory == 0 && (limits.DefaultMemoryBytes > 0 ? limits.DefaultMemoryBytes : limits.MaxMemoryBytes) is > 0 and var memoryLimit)
        {
            memory = memoryLimit;
        }

        if (limits.MaxMemoryBytes > 0 && memory > limits.MaxMemoryBytes)
        {
            Deny($"build memory limit {memory} is above the policy's maximum {limits.MaxMemoryBytes}");
        }

        if (memory > 0)
        {
            query = query.With("memory", memory.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var memswap = Read("memswap");
        if (memswap != 0 && memswap != -1 && memswap < memory)
        {
            throw new RequestRejectedException(400, $"build parameter 'memswap' must be -1, 0 or at least 'memory' ({memory}), not {memswap}");
        }

        var cpuQuota = Read("cpuquota");
        var cpuPeriod = Read("cpuperiod");
        if (cpuPeriod != 0 && cpuPeriod is < 1000 or > 1_000_000)
        {
            throw new RequestRejectedException(400, $"build parameter 'cpuperiod' must be between 1000 and 1000000 microseconds, not {cpuPeriod}");
        }

        if (cpuQuota < 0 || cpuQuota is > 0 and < 1000)
        {
            throw new RequestRejectedException(400, $"build parameter 'cpuquota' must be 0 (the policy's default) or at least 1000 microseconds, not {cpuQuota}");
        }

        if (cpuQuota > 0)
        {
            // Int128: a quota of 10^10 µs times 10^9 overflows a long.
            var nano = (Int128)cpuQuota * 1_000_000_000 / (cpuPeriod > 0 ? cpuPeriod : 100_000);
            if (limits.MaxCpus > 0 && (double)nano > limits.MaxCpus * 1e9)
            {
                Deny($"build CPU limit is above the policy's maximum {limits.MaxCpus}");
            }
        }
        else if ((limits.DefaultCpus > 0 ? limits.DefaultCpus : limits.MaxCpus) is > 0 and var cpus)
        {
            // The build API has no NanoCpus: the same limit as quota per 100 ms period, capped at the host's CPUs.
            var period = cpuPeriod > 0 ? cpuPeriod : 100_000;
            var quotaMicros = (long)Math.Max(1000, Math.Min(cpus, Environment.ProcessorCount) * period);
            query = query.With("cpuperiod", period.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .With("cpuquota", quotaMicros.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return query;
    }

    /// <summary>The engine's own boolean reading of a build flag: anything but empty, 0, no, false or none is true.</summary>
    internal static bool EngineBool(string? value) =>
        value?.Trim().ToLowerInvariant() is { Length: > 0 } v && v is not ("0" or "no" or "false" or "none");

    private static void CheckShape(QueryParameters query, string key, Regex shape, string expected)
    {
        if (query.Get(key) is { Length: > 0 } value && !shape.IsMatch(value))
        {
            throw new RequestRejectedException(400, $"build parameter '{key}' must be {expected}, not '{value}'");
        }
    }

    private static void CheckDockerfileName(string? name)
    {
        if (name is { Length: > 0 } && (name.Length > 1024 || name.Any(char.IsControl)))
        {
            throw new RequestRejectedException(400, "build parameter 'dockerfile' must be a path inside the build context");
        }
    }

    /// <summary>Parses a JSON-valued build parameter; null for absent, empty or JSON null. Objects for buildargs and labels, an array for cachefrom.</summary>
    private static JsonNode? ParseBuildJson(string? text, string key)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new RequestRejectedException(400, $"invalid {key}: {ex.Message}");
        }

        var wantArray = key == "cachefrom";
        return node switch
        {
            null => null,
            JsonArray when wantArray => node,
            JsonObject when !wantArray => node,
            _ => throw new RequestRejectedException(400, $"{key} must be a JSON {(wantArray ? "array" : "object")}"),
        };
    }
}
