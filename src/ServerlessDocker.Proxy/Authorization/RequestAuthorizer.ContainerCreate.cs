using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessDocker.Proxy.Json;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>Container create: the body checks of threats doc §4 "Dangerous create fields", quotas and nesting.</summary>
internal sealed partial class RequestAuthorizer
{
    private async Task<ForwardPlan> CreateContainerAsync(string prefix, QueryParameters query, byte[] rawBody, CancellationToken cancellationToken)
    {
        // The subtree lists for the quotas start before anything else; they are used if no quota-locked create
        // finished while this one parsed and waited for the lock, and taken again under the lock otherwise.
        var quotaPath = HasQuotaOnPath();
        var releasesBefore = quotaPath ? _scope.Proxy.QuotaLockReleases(_scope) : 0;
        var earlyLists = quotaPath ? ListQuotaSubtreesAsync(cancellationToken) : null;
        JsonObject body;
        string image;
        try
        {
            CheckContainerName(query.Get("name"));
            body = StrictJson.ParseObject(rawBody, EngineBodyShapes.ContainerCreate);
            image = StrictJson.GetString(body, "Image") ?? throw new RequestRejectedException(400, "Config.Image is required");
        }
        catch
        {
            if (earlyLists is not null)
            {
                Observe(earlyLists);
            }

            throw;
        }

        var hostConfig = StrictJson.GetObject(body, "HostConfig") ?? [];
        var volumesToCreate = new List<string>();

        // The engine look-ups of a create overlap: the subtree lists and the image inspect. Decisions are still
        // taken one after another, in the same order as before.
        var imageLookup = _engine.InspectImageCachedAsync(image, cancellationToken);

        // Quotas are checked and the create forwarded under the tenant's lock, so concurrent creates cannot overshoot.
        // No quota, no lock.
        IDisposable quotaLock = NoLock.Instance;
        var quotaLists = earlyLists ?? Task.FromResult(Array.Empty<(ProxyScope, IReadOnlyList<Engine.EngineObject>)>());
        try
        {
            if (quotaPath)
            {
                quotaLock = await _scope.Proxy.AcquireQuotaLockAsync(_scope, cancellationToken).ConfigureAwait(false);
                if (_scope.Proxy.QuotaLockReleases(_scope) != releasesBefore)
                {
                    // A create finished after the early lists began: they may miss it.
                    Observe(quotaLists);
                    quotaLists = ListQuotaSubtreesAsync(cancellationToken);
                }
            }
        }
        catch
        {
            Observe(imageLookup);
            Observe(quotaLists);
            throw;
        }

        ProxyScope? nested = null;
        JsonObject labels;
        try
        {
            CheckImage(image, await imageLookup.ConfigureAwait(false));
            CheckForbiddenHostConfig(hostConfig);
            if (StrictJson.IsNonEmpty(body, "MacAddress"))
            {
                Deny("MacAddress is not allowed");
            }

            CheckLegacyVolumes(body, hostConfig);

            await CheckBindsAsync(hostConfig, volumesToCreate, cancellationToken).ConfigureAwait(false);
            await CheckMountsAsync(hostConfig, volumesToCreate, cancellationToken).ConfigureAwait(false);
            await CheckNamespacesAsync(hostConfig, cancellationToken).ConfigureAwait(false);
            await CheckVolumesFromAsync(hostConfig, cancellationToken).ConfigureAwait(false);
            await CheckEndpointsAsync(StrictJson.GetObject(body, "NetworkingConfig"), cancellationToken).ConfigureAwait(false);
            var (memory, pids, nanoCpus) = ApplyResourceLimits(hostConfig);

            labels = StampLabels(StrictJson.GetObject(body, "Labels"));
            labels[ScopeLabels.Memory] = memory.ToString(CultureInfo.InvariantCulture);
            labels[ScopeLabels.Pids] = pids.ToString(CultureInfo.InvariantCulture);
            labels[ScopeLabels.NanoCpus] = nanoCpus.ToString(CultureInfo.InvariantCulture);

            CheckQuotas(await quotaLists.ConfigureAwait(false), memory, pids, nanoCpus);
            foreach (var volume in volumesToCreate)
            {
                await _engine.CreateVolumeAsync(volume, _scope.OwnerLabels, cancellationToken).ConfigureAwait(false);
            }

            if (labels[ScopeLabels.DockerAccessRequest]?.GetValue<string>() is { } access)
            {
                nested = await CreateNestedScopeAsync(access, hostConfig, body, labels, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            Observe(imageLookup);
            Observe(quotaLists);
            quotaLock.Dispose();
            throw;
        }

        StrictJson.Set(body, "Labels", labels);
        StrictJson.Set(body, "HostConfig", hostConfig);
        var proxy = _scope.Proxy;
        var plan = Plan("POST", prefix + "/containers/create", query, Serialize(body), onCompleted: async status =>
        {
            quotaLock.Dispose();
            if (nested is not null && status is < 200 or >= 300)
            {
                await nested.DisposeAsync().ConfigureAwait(false);
            }
            else if (nested is not null && !proxy.HasHolder(nested))
            {
                await TrackHolderFromEngineAsync(proxy, nested).ConfigureAwait(false);
            }
        });

        // The new container's owner labels are the ones just stamped: remember them, so attach/start need no inspect.
        var ownerLabels = _scope.OwnerLabels;
        var containers = _engine.Containers;
        return new ForwardPlan
        {
            Method = plan.Method,
            Target = plan.Target,
            Body = plan.Body,
            Warnings = plan.Warnings,
            OnCompleted = plan.OnCompleted,
            OnWholeAnswer = (status, answer) =>
            {
                if (status == 201 && CreatedId(answer.Span) is { } id)
                {
                    containers.Add(id, ownerLabels);
                    if (nested is not null)
                    {
                        proxy.TrackHolder(id, nested);
                    }
                }
            },
        };
    }

    /// <summary>The <c>Id</c> of a create answer, or null when it cannot be read.</summary>
    private static string? CreatedId(ReadOnlySpan<byte> answer)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(answer);
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("Id"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isId)
                {
                    return reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return null;
    }

    /// <summary>Marks a look-up that is no longer awaited as observed, whatever its outcome.</summary>
    private static void Observe(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void CheckImage(string image, Engine.EngineObject? local)
    {
        if (local is not null && Owns(local))
        {
            return;
        }

        // An image another scope built is never usable, whatever the patterns say.
        if (local is not null && local.Labels.ContainsKey(ScopeLabels.Scope))
        {
            throw NotFound("image", image);
        }

        if (!ImageReference.IsAllowed(image, Policy.Images))
        {
            Deny($"image '{image}' is not allowed by the policy");
        }
    }

    private void CheckForbiddenHostConfig(JsonObject hc)
    {
        if (StrictJson.GetBool(hc, "Privileged"))
        {
            Deny("privileged containers are not allowed");
        }

        foreach (var cap in StrictJson.GetStrings(hc, "CapAdd"))
        {
            var normalized = cap.Trim().ToUpperInvariant();
            normalized = normalized.StartsWith("CAP_", StringComparison.Ordinal) ? normalized[4..] : normalized;
            if (normalized == "ALL" || !Policy.Capabilities.Any(c => string.Equals(c.ToUpperInvariant().Replace("CAP_", string.Empty, StringComparison.Ordinal), normalized, StringComparison.Ordinal)))
            {
                Deny($"capability '{cap}' is not allowed");
            }
        }

        foreach (var field in new[]
        {
            "Devices", "DeviceRequests", "DeviceCgroupRules", "Sysctls", "Links", "GroupAdd", "Ulimits",
            "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps",
            "CgroupParent", "Cgroup", "VolumeDriver", "StorageOpt", "CpuRealtimeRuntime", "CpuRealtimePeriod",
        })
        {
            if (StrictJson.IsNonEmpty(hc, field))
            {
                Deny($"HostConfig.{field} is not allowed");
            }
        }

        if (StrictJson.GetString(hc, "Runtime") is { Length: > 0 } runtime && runtime != "runc")
        {
            Deny($"runtime '{runtime}' is not allowed");
        }

        // An explicit list, even empty, replaces the engine's masked/read-only system paths.
        if (StrictJson.IsPresent(hc, "MaskedPaths") || StrictJson.IsPresent(hc, "ReadonlyPaths"))
        {
            Deny("MaskedPaths and ReadonlyPaths are not allowed");
        }

        foreach (var option in StrictJson.GetStrings(hc, "SecurityOpt"))
        {
            if (!SafeSecurityOption().IsMatch(option))
            {
                Deny($"security option '{option}' is not allowed");
            }
        }

        if (StrictJson.GetLong(hc, "OomScoreAdj") < 0 || StrictJson.GetBool(hc, "OomKillDisable"))
        {
            Deny("OomScoreAdj below 0 and OomKillDisable are not allowed");
        }

        if (!Policy.AllowHostPorts && (StrictJson.IsNonEmpty(hc, "PortBindings") || StrictJson.GetBool(hc, "PublishAllPorts")))
        {
            Deny("publishing host ports is not allowed");
        }

        if (StrictJson.GetObject(hc, "LogConfig") is { } log && StrictJson.GetString(log, "Type") is { Length: > 0 } driver
            && driver is not ("json-file" or "local" or "none"))
        {
            Deny($"log driver '{driver}' is not allowed");
        }

        if (StrictJson.GetObject(hc, "Tmpfs") is { } tmpfs)
        {
            foreach (var (_, options) in tmpfs)
            {
                var tokens = (options?.GetValue<string>() ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
                if (tokens.Any(t => t is "suid" or "dev"))
                {
                    Deny("tmpfs with suid or dev is not allowed");
                }
            }
        }
    }

    private async Task CheckBindsAsync(JsonObject hc, List<string> volumesToCreate, CancellationToken cancellationToken)
    {
        foreach (var bind in StrictJson.GetStrings(hc, "Binds"))
        {
            var parts = bind.Split(':');
            if (parts.Length is < 2 or > 3)
            {
                throw new RequestRejectedException(400, $"invalid bind '{bind}'");
            }

            var (source, options) = (parts[0], parts.Length == 3 ? parts[2] : string.Empty);
            if (options.Split(',').Any(o => o is "shared" or "rshared" or "slave" or "rslave" or "z" or "Z"))
            {
                Deny($"bind options '{options}' are not allowed");
            }

            if (source.StartsWith('/'))
            {
                CheckHostPath(source);
            }
            else
            {
                await CheckNamedVolumeAsync(source, volumesToCreate, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CheckMountsAsync(JsonObject hc, List<string> volumesToCreate, CancellationToken cancellationToken)
    {
        if (StrictJson.Get(hc, "Mounts") is not JsonArray mounts)
        {
            return;
        }

        foreach (var item in mounts)
        {
            if (item is not JsonObject mount)
            {
                throw new RequestRejectedException(400, "Mounts entries must be objects");
            }

            var source = StrictJson.GetString(mount, "Source") ?? string.Empty;
            switch (StrictJson.GetString(mount, "Type"))
            {
                case "bind":
                    CheckHostPath(source);
                    if (StrictJson.GetObject(mount, "BindOptions") is { } bindOptions)
                    {
                        if (StrictJson.GetString(bindOptions, "Propagation") is { Length: > 0 } propagation && propagation is not ("private" or "rprivate"))
                        {
                            Deny($"bind propagation '{propagation}' is not allowed");
                        }

                        if (StrictJson.GetBool(bindOptions, "CreateMountpoint"))
                        {
                            Deny("CreateMountpoint is not allowed");
                        }
                    }

                    break;
                case "volume":
                    if (source.Length > 0)
                    {
                        await CheckNamedVolumeAsync(source, volumesToCreate, cancellationToken).ConfigureAwait(false);
                    }

                    if (StrictJson.GetObject(mount, "VolumeOptions") is { } volumeOptions
                        && StrictJson.GetObject(volumeOptions, "DriverConfig") is { } driverConfig
                        && (StrictJson.IsNonEmpty(driverConfig, "Name") || StrictJson.IsNonEmpty(driverConfig, "Options")))
                    {
                        Deny("volume driver options are not allowed (a local-driver bind reaches the host)");
                    }

                    // A volume the engine creates for a mount carries these labels, not the proxy's: they could plant
                    // it in another scope's view.
                    if (StrictJson.GetObject(mount, "VolumeOptions") is { } options && StrictJson.IsNonEmpty(options, "Labels"))
                    {
                        Deny("volume labels in a mount are not allowed; create the volume first (the proxy stamps its owner labels)");
                    }

                    break;
                case "tmpfs":
                    break;
                case var other:
                    Deny($"mount type '{other}' is not allowed");
                    break;
            }
        }
    }

    private void CheckHostPath(string source)
    {
        if (!source.StartsWith('/') || source.Split('/').Any(s => s is "." or ".."))
        {
            Deny($"host path '{source}' is not an absolute clean path");
            return;
        }

        var normalized = "/" + string.Join('/', source.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var allowed = Policy.BindMounts.Any(root =>
        {
            var r = "/" + string.Join('/', root.Split('/', StringSplitOptions.RemoveEmptyEntries));
            return r == "/" || normalized == r || normalized.StartsWith(r + "/", StringComparison.Ordinal);
        });
        if (!allowed)
        {
            Deny($"bind mount of host path '{source}' is not allowed");
        }
    }

    private async Task CheckNamedVolumeAsync(string name, List<string> volumesToCreate, CancellationToken cancellationToken)
    {
        if (!VolumeName().IsMatch(name))
        {
            throw new RequestRejectedException(400, $"invalid volume name '{name}'");
        }

        var volume = await _engine.InspectVolumeAsync(name, cancellationToken).ConfigureAwait(false);
        if (volume is null)
        {
            // The engine would create it unlabelled; the proxy creates it first so it is owned.
            volumesToCreate.Add(name);
        }
        else if (!Owns(volume))
        {
            throw NotFound("volume", name);
        }
    }

    private async Task CheckNamespacesAsync(JsonObject hc, CancellationToken cancellationToken)
    {
        var networkMode = StrictJson.GetString(hc, "NetworkMode") ?? string.Empty;
        if (networkMode.StartsWith("container:", StringComparison.Ordinal))
        {
            StrictJson.Set(hc, "NetworkMode", "container:" + await OwnedContainerAsync(networkMode[10..], cancellationToken).ConfigureAwait(false));
        }
        else if (networkMode == "host")
        {
            Deny("host networking is not allowed");
        }
        else if (networkMode.Length == 0 && !Policy.NetworkModes.Contains("default") && !Policy.NetworkModes.Contains("bridge"))
        {
            // No NetworkMode is the engine's default bridge: a policy that leaves out default and bridge means it.
            Deny("HostConfig.NetworkMode is empty, which is the default bridge, and this policy allows only " +
                $"{string.Join(", ", Policy.NetworkModes)} (and the scope's own networks); name one of them");
        }
        else if (networkMode.Length > 0 && !Policy.NetworkModes.Contains(networkMode))
        {
            var network = await _engine.InspectNetworkAsync(networkMode, cancellationToken).ConfigureAwait(false);
            if (network is null || !Owns(network))
            {
                throw NotFound("network", networkMode);
            }
        }

        await CheckNamespaceAsync(hc, "PidMode", [], cancellationToken).ConfigureAwait(false);
        await CheckNamespaceAsync(hc, "IpcMode", ["none", "private", "shareable"], cancellationToken).ConfigureAwait(false);
        await CheckNamespaceAsync(hc, "UTSMode", [], cancellationToken).ConfigureAwait(false);
        await CheckNamespaceAsync(hc, "UsernsMode", [], cancellationToken).ConfigureAwait(false);
        await CheckNamespaceAsync(hc, "CgroupnsMode", ["private"], cancellationToken).ConfigureAwait(false);

        // On cgroup v1 the engine's default is the host's cgroup namespace (and API < 1.41 forces it when the field
        // is empty), which shows the host's cgroup tree: a tenant's container always gets its own.
        if (string.IsNullOrEmpty(StrictJson.GetString(hc, "CgroupnsMode")))
        {
            StrictJson.Set(hc, "CgroupnsMode", "private");
        }
    }

    private async Task CheckNamespaceAsync(JsonObject hc, string field, string[] allowedPlain, CancellationToken cancellationToken)
    {
        var mode = StrictJson.GetString(hc, field) ?? string.Empty;
        if (mode.Length == 0 || allowedPlain.Contains(mode))
        {
            return;
        }

        if (mode.StartsWith("container:", StringComparison.Ordinal) && field is "PidMode" or "IpcMode")
        {
            StrictJson.Set(hc, field, "container:" + await OwnedContainerAsync(mode[10..], cancellationToken).ConfigureAwait(false));
            return;
        }

        Deny($"{field} '{mode}' is not allowed");
    }

    private async Task CheckVolumesFromAsync(JsonObject hc, CancellationToken cancellationToken)
    {
        var volumesFrom = StrictJson.GetStrings(hc, "VolumesFrom");
        if (volumesFrom.Count == 0)
        {
            return;
        }

        var rewritten = new JsonArray();
        foreach (var entry in volumesFrom)
        {
            var colon = entry.IndexOf(':');
            var (name, mode) = colon < 0 ? (entry, string.Empty) : (entry[..colon], entry[colon..]);
            rewritten.Add(await OwnedContainerAsync(name, cancellationToken).ConfigureAwait(false) + mode);
        }

        StrictJson.Set(hc, "VolumesFrom", rewritten);
    }

    private async Task CheckEndpointsAsync(JsonObject? networkingConfig, CancellationToken cancellationToken)
    {
        if (networkingConfig is null || StrictJson.GetObject(networkingConfig, "EndpointsConfig") is not { } endpoints)
        {
            return;
        }

        foreach (var (name, value) in endpoints)
        {
            if (name == "host")
            {
                Deny("host networking is not allowed");
            }
            else if (!Policy.NetworkModes.Contains(name))
            {
                var network = await _engine.InspectNetworkAsync(name, cancellationToken).ConfigureAwait(false);
                if (network is null || !Owns(network))
                {
                    throw NotFound("network", name);
                }
            }

            if (value is JsonObject endpoint)
            {
                foreach (var field in new[] { "IPAMConfig", "MacAddress", "Links", "NetworkID", "DriverOpts", "IPAddress", "GlobalIPv6Address" })
                {
                    if (StrictJson.IsNonEmpty(endpoint, field))
                    {
                        Deny($"EndpointsConfig.{field} is not allowed");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Memory, PIDs and CPUs as the engine will apply them, checked against the policy. Read with the engine's own
    /// meaning (0, and -1 for PIDs and CPU quota, mean unlimited; NanoCpus and CpuQuota/CpuPeriod exclude each other)
    /// and with arithmetic that cannot overflow. A value left unlimited gets the policy's default; without one, a
    /// required limit is refused and any other gets the maximum: with a maximum in force nothing runs unlimited.
    /// </summary>
    private (long Memory, long Pids, long NanoCpus) ApplyResourceLimits(JsonObject hc)
    {
        var limits = Policy.Limits;
        var memory = StrictJson.GetLong(hc, "Memory");
        if (memory < 0)
        {
            throw new RequestRejectedException(400, $"HostConfig.Memory must be 0 (unlimited) or a number of bytes, not {memory}");
        }

        if (memory == 0 && (limits.DefaultMemoryBytes > 0 ? limits.DefaultMemoryBytes : limits.Required ? 0 : limits.MaxMemoryBytes) is > 0 and var memoryLimit)
        {
            memory = memoryLimit;
            StrictJson.Set(hc, "Memory", memory);
        }

        var pids = Math.Max(StrictJson.GetLong(hc, "PidsLimit"), 0);
        if (pids == 0 && (limits.DefaultPidsLimit > 0 ? limits.DefaultPidsLimit : limits.Required ? 0 : limits.MaxPidsLimit) is > 0 and var pidsLimit)
        {
            pids = pidsLimit;
            StrictJson.Set(hc, "PidsLimit", pids);
        }

        var nanoCpus = StrictJson.GetLong(hc, "NanoCpus");
        var cpuQuota = StrictJson.GetLong(hc, "CpuQuota");
        var cpuPeriod = StrictJson.GetLong(hc, "CpuPeriod");
        if (nanoCpus < 0)
        {
            throw new RequestRejectedException(400, $"HostConfig.NanoCpus must not be negative, not {nanoCpus}");
        }

        if (nanoCpus > 0 && (cpuQuota != 0 || cpuPeriod != 0))
        {
            throw new RequestRejectedException(400, "HostConfig.NanoCpus and CpuQuota/CpuPeriod cannot both be set (the engine refuses it too)");
        }

        if (cpuPeriod != 0 && cpuPeriod is < 1000 or > 1_000_000)
        {
            throw new RequestRejectedException(400, $"HostConfig.CpuPeriod must be between 1000 and 1000000 microseconds, not {cpuPeriod}");
        }

        if (cpuQuota > 0)
        {
            if (cpuQuota < 1000)
            {
                throw new RequestRejectedException(400, $"HostConfig.CpuQuota must be at least 1000 microseconds, not {cpuQuota}");
            }

            // quota/period CPUs, in nano-CPUs; Int128 because 10^10 µs × 10^9 overflows a long.
            var nano = (Int128)cpuQuota * 1_000_000_000 / (cpuPeriod > 0 ? cpuPeriod : 100_000);
            nanoCpus = nano > long.MaxValue ? long.MaxValue : (long)nano;
        }
        else if (cpuQuota < 0)
        {
            // -1 is unlimited: drop it so a default or maximum can be applied as NanoCpus.
            StrictJson.Set(hc, "CpuQuota", 0L);
            StrictJson.Set(hc, "CpuPeriod", 0L);
        }

        if (nanoCpus == 0 && (limits.DefaultCpus > 0 ? limits.DefaultCpus : limits.MaxCpus) is > 0 and var cpus)
        {
            // The engine refuses more CPUs than the host has; the proxy runs beside the engine it guards.
            nanoCpus = (long)(Math.Min(cpus, Environment.ProcessorCount) * 1e9);
            StrictJson.Set(hc, "NanoCpus", nanoCpus);
            StrictJson.Set(hc, "CpuQuota", 0L);
            StrictJson.Set(hc, "CpuPeriod", 0L);
        }

        if (limits.Required && (memory <= 0 || pids <= 0))
        {
            Deny("a memory limit and a PIDs limit are required");
        }

        if (limits.MaxMemoryBytes > 0 && memory > limits.MaxMemoryBytes)
        {
            Deny($"memory limit {memory} is above the policy's maximum {limits.MaxMemoryBytes}");
        }

        if (limits.MaxPidsLimit > 0 && pids > limits.MaxPidsLimit)
        {
            Deny($"PIDs limit {pids} is above the policy's maximum {limits.MaxPidsLimit}");
        }

        if (limits.MaxCpus > 0 && nanoCpus > limits.MaxCpus * 1e9)
        {
            Deny($"CPU limit is above the policy's maximum {limits.MaxCpus}");
        }

        return (memory, pids, nanoCpus);
    }

    /// <summary>
    /// The legacy <c>Config.Volumes</c> creates an anonymous volume, which nobody labels, for every path no bind or
    /// mount covers. The docker CLI sends it empty; docker-py lists the targets of its binds there. Only those pass.
    /// </summary>
    private void CheckLegacyVolumes(JsonObject body, JsonObject hostConfig)
    {
        if (StrictJson.GetObject(body, "Volumes") is not { Count: > 0 } volumes)
        {
            return;
        }

        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bind in StrictJson.GetStrings(hostConfig, "Binds"))
        {
            var parts = bind.Split(':');
            if (parts.Length >= 2)
            {
                covered.Add(parts[1].TrimEnd('/'));
            }
        }

        foreach (var mount in (StrictJson.Get(hostConfig, "Mounts") as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (StrictJson.GetString(mount, "Target") is { } target)
            {
                covered.Add(target.TrimEnd('/'));
            }
        }

        foreach (var (path, _) in volumes)
        {
            if (!covered.Contains(path.TrimEnd('/')))
            {
                Deny($"Config.Volumes '{path}' would create an anonymous volume; mount a named volume there instead");
            }
        }
    }

    private bool HasQuotaOnPath()
    {
        for (var scope = _scope; scope is not null; scope = scope.Parent)
        {
            var quota = scope.Policy.Quota;
            if (quota.MaxContainers > 0 || quota.MaxTotalMemoryBytes > 0 || quota.MaxTotalPids > 0 || quota.MaxTotalCpus > 0)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }

    /// <summary>Lists the subtree of every scope on the path to the root that has a quota, concurrently.</summary>
    private async Task<(ProxyScope Scope, IReadOnlyList<Engine.EngineObject> Containers)[]> ListQuotaSubtreesAsync(CancellationToken cancellationToken)
    {
        var lists = new List<Task<(ProxyScope, IReadOnlyList<Engine.EngineObject>)>>();
        for (var scope = _scope; scope is not null; scope = scope.Parent)
        {
            var quota = scope.Policy.Quota;
            if (quota.MaxContainers <= 0 && quota.MaxTotalMemoryBytes <= 0 && quota.MaxTotalPids <= 0 && quota.MaxTotalCpus <= 0)
            {
                continue;
            }

            var counted = scope;
            lists.Add(Task.Run(async () => (counted, await _engine.ListContainersAsync(counted.OwnerFilter, cancellationToken).ConfigureAwait(false)), cancellationToken));
        }

        return await Task.WhenAll(lists).ConfigureAwait(false);
    }

    private void CheckQuotas((ProxyScope Scope, IReadOnlyList<Engine.EngineObject> Containers)[] subtrees, long memory, long pids, long nanoCpus)
    {
        // Every scope on the path to the root counts its whole subtree against its own quota.
        foreach (var (scope, containers) in subtrees)
        {
            var quota = scope.Policy.Quota;
            // Int128: a sum of longs cannot overflow it, so no sum can wrap below a quota.
            Int128 Sum(string label) => containers.Aggregate(Int128.Zero, (sum, c) => sum + (c.Labels.TryGetValue(label, out var v) && long.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0));
            if (quota.MaxContainers > 0 && containers.Count + 1 > quota.MaxContainers)
            {
                Deny($"quota of scope '{scope.Path}' reached: at most {quota.MaxContainers} containers");
            }

            if ((quota.MaxTotalMemoryBytes > 0 && memory <= 0) || (quota.MaxTotalPids > 0 && pids <= 0) || (quota.MaxTotalCpus > 0 && nanoCpus <= 0))
            {
                Deny($"scope '{scope.Path}' has a quota, so a container needs a memory, PIDs and CPU limit wherever the quota counts one");
            }

            if (quota.MaxTotalMemoryBytes > 0 && Sum(ScopeLabels.Memory) + memory > quota.MaxTotalMemoryBytes)
            {
                Deny($"quota of scope '{scope.Path}' reached: at most {quota.MaxTotalMemoryBytes} bytes of memory");
            }

            if (quota.MaxTotalPids > 0 && Sum(ScopeLabels.Pids) + pids > quota.MaxTotalPids)
            {
                Deny($"quota of scope '{scope.Path}' reached: at most {quota.MaxTotalPids} PIDs");
            }

            if (quota.MaxTotalCpus > 0 && (double)(Sum(ScopeLabels.NanoCpus) + nanoCpus) > quota.MaxTotalCpus * 1e9)
            {
                Deny($"quota of scope '{scope.Path}' reached: at most {quota.MaxTotalCpus} CPUs");
            }
        }
    }

    /// <summary>
    /// The create answer did not arrive whole: find the holder by the child's label, which only the proxy stamps on a
    /// container create. The child's path is new and random, so exactly one owned container can carry it; anything
    /// else leaves the child untracked (it then goes with its parent scope).
    /// </summary>
    private async Task TrackHolderFromEngineAsync(ScopedDockerProxy proxy, ProxyScope nested)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), proxy.Options.TimeProvider);
            var found = await _engine.ListContainersAsync($"{ScopeLabels.ChildScope}={nested.Path}", timeout.Token).ConfigureAwait(false);
            if (found is [var holder] && Owns(holder))
            {
                proxy.TrackHolder(holder.Id, nested);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or System.Text.Json.JsonException)
        {
            // Best effort: an untracked child is removed with its parent scope.
        }
    }

    private async Task<ProxyScope?> CreateNestedScopeAsync(string access, JsonObject hc, JsonObject body, JsonObject labels, CancellationToken cancellationToken)
    {
        if (access != "scoped")
        {
            throw new RequestRejectedException(400, $"label {ScopeLabels.DockerAccessRequest} must be 'scoped'");
        }

        if (!Policy.AllowNesting || _scope.Depth + 1 > Math.Min(Policy.MaxDepth, ScopeLabels.MaxDepth))
        {
            Deny("nested docker access is not allowed here (policy or depth)");
            return null;
        }

        var child = await _scope.CreateChildAsync(null, null, null, cancellationToken).ConfigureAwait(false);
        Injection.ScopedSocketInjection.Apply(hc, body, labels, child, ScopeLabels.ChildScope);
        return child;
    }

    [GeneratedRegex("^no-new-privileges([=:]true)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeSecurityOption();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VolumeName();
}
