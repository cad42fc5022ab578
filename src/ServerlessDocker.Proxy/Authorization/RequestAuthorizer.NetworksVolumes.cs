using ServerlessDocker.Proxy.Json;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>Networks and volumes: owned only, created with owner labels and without host-reaching options.</summary>
internal sealed partial class RequestAuthorizer
{
    private async Task<ForwardPlan> AuthorizeNetworkAsync(string method, string prefix, Route route, QueryParameters query, byte[] body, CancellationToken cancellationToken)
    {
        switch (route.Name)
        {
            case "network.create":
                var config = StrictJson.ParseObject(body, EngineBodyShapes.NetworkCreate);
                if (StrictJson.GetString(config, "Driver") is { Length: > 0 } driver && driver != "bridge")
                {
                    Deny($"network driver '{driver}' is not allowed");
                }

                foreach (var field in new[] { "Options", "Ingress", "Attachable", "ConfigFrom", "ConfigOnly", "Scope" })
                {
                    if (StrictJson.IsNonEmpty(config, field))
                    {
                        Deny($"network field '{field}' is not allowed");
                    }
                }

                // A custom subnet could shadow a host network's routes; the engine's default pools are used instead.
                if (StrictJson.GetObject(config, "IPAM") is { } ipam
                    && (StrictJson.IsNonEmpty(ipam, "Config") || StrictJson.IsNonEmpty(ipam, "Options")
                        || StrictJson.GetString(ipam, "Driver") is { Length: > 0 } ipamDriver && ipamDriver != "default"))
                {
                    Deny("custom IPAM (subnets, gateways, drivers) is not allowed");
                }

                StrictJson.Set(config, "Labels", StampLabels(StrictJson.GetObject(config, "Labels")));
                var networkLock = await CheckNetworkQuotaAsync(cancellationToken).ConfigureAwait(false);
                return Plan(method, prefix + "/networks/create", query, Serialize(config), onCompleted: _ =>
                {
                    networkLock.Dispose();
                    return ValueTask.CompletedTask;
                });
            case "network.connect" or "network.disconnect":
                var network = await OwnedNetworkAsync(route.Reference!, cancellationToken).ConfigureAwait(false);
                var request = StrictJson.ParseObject(body, route.Name == "network.connect" ? EngineBodyShapes.NetworkConnect : EngineBodyShapes.NetworkDisconnect);
                var container = await OwnedContainerAsync(StrictJson.GetString(request, "Container") ?? throw new RequestRejectedException(400, "Container is required"), cancellationToken).ConfigureAwait(false);
                StrictJson.Set(request, "Container", container);
                if (StrictJson.GetObject(request, "EndpointConfig") is { } endpoint)
                {
                    foreach (var field in new[] { "IPAMConfig", "MacAddress", "Links", "NetworkID", "DriverOpts", "IPAddress", "GlobalIPv6Address" })
                    {
                        if (StrictJson.IsNonEmpty(endpoint, field))
                        {
                            Deny($"EndpointConfig.{field} is not allowed");
                        }
                    }
                }

                return Plan(method, $"{prefix}/networks/{network}/{(route.Name == "network.connect" ? "connect" : "disconnect")}", query, Serialize(request));
            default:
                return Plan(method, $"{prefix}/networks/{await OwnedNetworkAsync(route.Reference!, cancellationToken).ConfigureAwait(false)}", query);
        }
    }

    /// <summary>
    /// Counts the networks of every scope on the path to the root that has a network quota, under the tenant's quota
    /// lock (held until the create is answered, so concurrent creates cannot overshoot); no quota, no lock.
    /// </summary>
    private async Task<IDisposable> CheckNetworkQuotaAsync(CancellationToken cancellationToken)
    {
        var limited = new List<ProxyScope>();
        for (var scope = _scope; scope is not null; scope = scope.Parent)
        {
            if (scope.Policy.Quota.MaxNetworks > 0)
            {
                limited.Add(scope);
            }
        }

        if (limited.Count == 0)
        {
            return NoLock.Instance;
        }

        var quotaLock = await _scope.Proxy.AcquireQuotaLockAsync(_scope, cancellationToken).ConfigureAwait(false);
        try
        {
            var counts = await Task.WhenAll(limited.Select(s => _engine.ListLabelledAsync("networks", s.OwnerFilter, cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < limited.Count; i++)
            {
                if (counts[i].Count + 1 > limited[i].Policy.Quota.MaxNetworks)
                {
                    Deny($"quota of scope '{limited[i].Path}' reached: at most {limited[i].Policy.Quota.MaxNetworks} networks");
                }
            }

            return quotaLock;
        }
        catch
        {
            quotaLock.Dispose();
            throw;
        }
    }

    private async Task<string> OwnedNetworkAsync(string reference, CancellationToken cancellationToken)
    {
        var network = await _engine.InspectNetworkAsync(reference, cancellationToken).ConfigureAwait(false);
        return network is not null && Owns(network) ? network.Id : throw NotFound("network", reference);
    }

    private async Task<ForwardPlan> AuthorizeVolumeAsync(string method, string prefix, Route route, QueryParameters query, byte[] body, CancellationToken cancellationToken)
    {
        if (route.Name == "volume.create")
        {
            var config = StrictJson.ParseObject(body, EngineBodyShapes.VolumeCreate);
            if (StrictJson.GetString(config, "Driver") is { Length: > 0 } driver && driver != "local")
            {
                Deny($"volume driver '{driver}' is not allowed");
            }

            if (StrictJson.IsNonEmpty(config, "DriverOpts") || StrictJson.IsNonEmpty(config, "ClusterVolumeSpec"))
            {
                Deny("volume driver options are not allowed (a local-driver bind reaches the host)");
            }

            // Creating an existing name would answer with the other owner's volume.
            if (StrictJson.GetString(config, "Name") is { Length: > 0 } name
                && await _engine.InspectVolumeAsync(name, cancellationToken).ConfigureAwait(false) is { } existing && !Owns(existing))
            {
                throw new RequestRejectedException(409, $"volume name '{name}' is already in use");
            }

            StrictJson.Set(config, "Labels", StampLabels(StrictJson.GetObject(config, "Labels")));
            return Plan(method, prefix + "/volumes/create", query, Serialize(config));
        }

        var volume = await _engine.InspectVolumeAsync(route.Reference!, cancellationToken).ConfigureAwait(false);
        if (volume is null || !Owns(volume))
        {
            throw NotFound("volume", route.Reference!);
        }

        return Plan(method, $"{prefix}/volumes/{Uri.EscapeDataString(volume.Id)}", query);
    }
}
