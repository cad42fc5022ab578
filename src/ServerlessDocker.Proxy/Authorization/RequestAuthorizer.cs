using System.Text;
using System.Text.Json.Nodes;
using ServerlessDocker.Proxy.Engine;
using ServerlessDocker.Proxy.Json;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>
/// Decides one request for one scope and builds the exact request to forward: ownership (404 when not
/// owned), forced owner filters, policy rules (403, or a warning in warn mode), owner-label stamping, and
/// references rewritten to full IDs so the engine acts on exactly what was checked.
/// </summary>
internal sealed partial class RequestAuthorizer
{
    private readonly ProxyScope _scope;
    private readonly EngineClient _engine;
    private readonly List<string> _warnings = [];
    private readonly List<string> _resolvedContainers = [];

    /// <summary>Creates an authorizer for one request.</summary>
    public RequestAuthorizer(ProxyScope scope, EngineClient engine)
    {
        _scope = scope;
        _engine = engine;
    }

    private ProxyPolicy Policy => _scope.Policy;

    /// <summary>Authorises a request; throws <see cref="RequestRejectedException"/> to answer it with an error instead.</summary>
    public async Task<ForwardPlan> AuthorizeAsync(string method, CanonicalRequestTarget target, Route route, byte[] body, CancellationToken cancellationToken)
    {
        if (!ChangesImages(route.Name))
        {
            return await AuthorizeRouteAsync(method, target, route, body, cancellationToken).ConfigureAwait(false);
        }

        // A request that can change what an image reference names clears the creates' image cache before the engine
        // sees it and again once it is done (a build tags at its end).
        var images = _engine.Images;
        images.Invalidate();
        var plan = await AuthorizeRouteAsync(method, target, route, body, cancellationToken).ConfigureAwait(false);
        var inner = plan.OnCompleted;
        return plan with
        {
            OnCompleted = status =>
            {
                images.Invalidate();
                return inner?.Invoke(status) ?? ValueTask.CompletedTask;
            },
        };
    }

    private static bool ChangesImages(string route) =>
        route is "image.build" or "image.commit" or "image.pull" or "image.prune" or "image.delete" or "image.tag";

    private async Task<ForwardPlan> AuthorizeRouteAsync(string method, CanonicalRequestTarget target, Route route, byte[] body, CancellationToken cancellationToken)
    {
        var prefix = target.ApiVersion is null ? string.Empty : "/v" + target.ApiVersion;
        var query = target.Query;
        var reference = route.Reference ?? string.Empty;
        switch (route.Name)
        {
            case "system.ping" or "system.version":
                return Plan(method, prefix + target.Path, query);
            case "system.events" or "container.list" or "container.prune" or "image.list" or "image.prune"
                or "network.list" or "network.prune" or "volume.list" or "volume.prune":
                return Plan(method, prefix + target.Path, FilterRewriter.AddLabel(query, _scope.OwnerFilter));
            case "container.create":
                return await CreateContainerAsync(prefix, query, body, cancellationToken).ConfigureAwait(false);
            case "container.delete":
                if (query.GetBool("link"))
                {
                    Deny("removing links is not allowed");
                }

                var removed = await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false);
                return Plan(method, $"{prefix}/containers/{removed}", query, onCompleted: status =>
                {
                    if (status is >= 200 and < 300)
                    {
                        _engine.Containers.Remove(removed);
                    }

                    return ValueTask.CompletedTask;
                });
            case "container.rename":
                CheckContainerName(query.Get("name"));
                return Plan(method, $"{prefix}/containers/{await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false)}/rename", query);
            case "container.exec":
                return await CreateExecAsync(prefix, reference, query, body, cancellationToken).ConfigureAwait(false);
            case "container.update":
                var updated = await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false);
                Deny("container update is not allowed: limits are fixed at create");
                return Plan(method, $"{prefix}/containers/{updated}/update", query, CanonicalBody(body));
            case "container.archive.put":
                return Plan(method, $"{prefix}/containers/{await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false)}/archive", query, stream: true);
            case "container.archive.head":
                return Plan(method, $"{prefix}/containers/{await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false)}/archive", query);
            case "container.attach":
                return Plan(method, $"{prefix}/containers/{await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false)}/attach", query, hijack: true);
            case var name when name.StartsWith("container.", StringComparison.Ordinal):
                return Plan(method, $"{prefix}/containers/{await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false)}/{target.Segments[2]}", query);
            case "exec.inspect" or "exec.resize" or "exec.start":
                var execId = await OwnedExecAsync(reference, cancellationToken).ConfigureAwait(false);
                if (route.Name == "exec.start")
                {
                    var start = StrictJson.ParseObject(body, EngineBodyShapes.ExecStart);
                    return Plan(method, $"{prefix}/exec/{execId}/start", query, Serialize(start), hijack: true);
                }

                return Plan(method, $"{prefix}/exec/{execId}/{target.Segments[2]}", query);
            case var name when name.StartsWith("image.", StringComparison.Ordinal):
                return await AuthorizeImageAsync(method, prefix, route, query, body, cancellationToken).ConfigureAwait(false);
            case var name when name.StartsWith("network.", StringComparison.Ordinal):
                return await AuthorizeNetworkAsync(method, prefix, route, query, body, cancellationToken).ConfigureAwait(false);
            case var name when name.StartsWith("volume.", StringComparison.Ordinal):
                return await AuthorizeVolumeAsync(method, prefix, route, query, body, cancellationToken).ConfigureAwait(false);
            default:
                throw new RequestRejectedException(403, $"endpoint {method} {target.Path} is not allowed");
        }
    }

    private ForwardPlan Plan(string method, string path, QueryParameters query, byte[]? body = null, bool stream = false, bool hijack = false, Func<int, ValueTask>? onCompleted = null) => new()
    {
        Method = method,
        Target = path + query.ToQueryString(),
        Body = body,
        StreamBody = stream,
        Hijack = hijack,
        Warnings = _warnings,
        OnCompleted = _resolvedContainers.Count == 0 ? onCompleted : EvictOnNotFound(onCompleted),
    };

    /// <summary>A 404 for a request naming resolved containers means one is gone: forget them, so the next look-up asks the engine.</summary>
    private Func<int, ValueTask> EvictOnNotFound(Func<int, ValueTask>? inner) => status =>
    {
        if (status == 404)
        {
            foreach (var id in _resolvedContainers)
            {
                _engine.Containers.Remove(id);
            }
        }

        return inner?.Invoke(status) ?? ValueTask.CompletedTask;
    };

    /// <summary>
    /// Refuses container names that look like full IDs: the engine resolves a full ID before names, and the
    /// ownership cache relies on no container ever being named like another's ID.
    /// </summary>
    private static void CheckContainerName(string? name)
    {
        if (name is not null && ContainerOwnershipCache.IsFullId(name.TrimStart('/').ToLowerInvariant()))
        {
            throw new RequestRejectedException(400, "a container name may not look like a full container ID (64 hex digits)");
        }
    }

    /// <summary>A policy rule says no: 403 in enforce mode, a recorded warning in warn mode.</summary>
    private void Deny(string reason)
    {
        if (Policy.Mode == PolicyMode.Warn)
        {
            _warnings.Add(reason);
            return;
        }

        throw new RequestRejectedException(403, reason);
    }

    private static RequestRejectedException NotFound(string kind, string reference) => new(404, $"No such {kind}: {reference}");

    private bool Owns(EngineObject engineObject) => _scope.Owns(engineObject.Labels);

    private async Task<string> OwnedContainerAsync(string reference, CancellationToken cancellationToken)
    {
        var container = await _engine.InspectContainerAsync(reference, cancellationToken).ConfigureAwait(false);
        if (container is null || !Owns(container))
        {
            throw NotFound("container", reference);
        }

        _resolvedContainers.Add(container.Id);
        return container.Id;
    }

    private async Task<string> OwnedExecAsync(string reference, CancellationToken cancellationToken)
    {
        // An exec is owned through its container; an unknown exec and a foreign one look the same.
        var exec = await _engine.InspectExecAsync(reference, cancellationToken).ConfigureAwait(false);
        if (exec is null)
        {
            throw NotFound("exec instance", reference);
        }

        var container = await _engine.InspectContainerAsync(exec.Value.ContainerId, cancellationToken).ConfigureAwait(false);
        return container is not null && Owns(container) ? exec.Value.ExecId : throw NotFound("exec instance", reference);
    }

    private async Task<ForwardPlan> CreateExecAsync(string prefix, string reference, QueryParameters query, byte[] body, CancellationToken cancellationToken)
    {
        var id = await OwnedContainerAsync(reference, cancellationToken).ConfigureAwait(false);
        if (!Policy.AllowExec)
        {
            Deny("exec is not allowed by the policy");
        }

        var config = StrictJson.ParseObject(body, EngineBodyShapes.ExecCreate);
        if (StrictJson.GetBool(config, "Privileged"))
        {
            Deny("privileged exec is not allowed");
        }

        return Plan("POST", $"{prefix}/containers/{id}/exec", query, Serialize(config));
    }

    private static byte[]? CanonicalBody(byte[] body) => body.Length == 0 ? null : Serialize(StrictJson.ParseObject(body, EngineBodyShapes.HostConfig));

    private static byte[] Serialize(JsonObject body) => Encoding.UTF8.GetBytes(body.ToJsonString());

    /// <summary>Copies a client's labels, refusing any in the proxy's namespace, and stamps the owner labels.</summary>
    private JsonObject StampLabels(JsonObject? clientLabels)
    {
        var labels = new JsonObject();
        if (clientLabels is not null)
        {
            foreach (var (key, value) in clientLabels)
            {
                if (key.StartsWith(ScopeLabels.Prefix, StringComparison.OrdinalIgnoreCase))
                {
                    throw new RequestRejectedException(403, $"label '{key}' is reserved for the proxy");
                }

                labels[key] = value?.DeepClone();
            }
        }

        foreach (var (key, value) in _scope.OwnerLabels)
        {
            labels[key] = value;
        }

        return labels;
    }

    /// <summary>Rejects a new name (image tag) that already names an object the scope does not own (tag hijack).</summary>
    private async Task CheckImageTargetAsync(string reference, CancellationToken cancellationToken)
    {
        var existing = await _engine.InspectImageAsync(reference, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !Owns(existing))
        {
            Deny($"'{reference}' already names an image this scope does not own");
        }
    }
}
