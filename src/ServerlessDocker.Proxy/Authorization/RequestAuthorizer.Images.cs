using ServerlessDocker.Proxy.Json;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>Images: read allowlisted or owned images, manage only owned ones, stamp builds and commits, refuse tag hijacks.</summary>
internal sealed partial class RequestAuthorizer
{
    private async Task<ForwardPlan> AuthorizeImageAsync(string method, string prefix, Route route, QueryParameters query, byte[] body, CancellationToken cancellationToken)
    {
        var name = route.Reference ?? string.Empty;
        switch (route.Name)
        {
            case "image.inspect" or "image.history":
                var readable = await _engine.InspectImageAsync(name, cancellationToken).ConfigureAwait(false);
                if (readable is null || !(Owns(readable) || (!readable.Labels.ContainsKey(ScopeLabels.Scope) && ImageReference.IsAllowed(name, Policy.Images))))
                {
                    throw NotFound("image", name);
                }

                return Plan(method, $"{prefix}/images/{readable.Id}/{(route.Name == "image.inspect" ? "json" : "history")}", query);
            case "image.export":
                return Plan(method, $"{prefix}/images/{await OwnedImageAsync(name, cancellationToken).ConfigureAwait(false)}/get", query);
            case "image.export-many":
                var ids = new List<KeyValuePair<string, string>>();
                foreach (var each in query.GetAll("names"))
                {
                    ids.Add(new("names", await OwnedImageAsync(each, cancellationToken).ConfigureAwait(false)));
                }

                return Plan(method, $"{prefix}/images/get", new QueryParameters(ids));
            case "image.delete":
                await OwnedImageAsync(name, cancellationToken).ConfigureAwait(false);
                return Plan(method, $"{prefix}/images/{name}", query);
            case "image.tag":
                var source = await OwnedImageAsync(name, cancellationToken).ConfigureAwait(false);
                var repo = query.Get("repo") ?? throw new RequestRejectedException(400, "repo is required");
                await CheckImageTargetAsync(TagReference(repo, query.Get("tag")), cancellationToken).ConfigureAwait(false);
                return Plan(method, $"{prefix}/images/{source}/tag", query);
            case "image.pull":
                if (query.Get("fromSrc") is { Length: > 0 })
                {
                    Deny("importing images (fromSrc) is not allowed");
                }

                var fromImage = query.Get("fromImage") ?? string.Empty;
                if (!Policy.AllowPull || !ImageReference.IsAllowed(fromImage, Policy.Images))
                {
                    Deny($"pulling '{fromImage}' is not allowed by the policy");
                }

                await CheckImageTargetAsync(TagReference(fromImage, query.Get("tag")), cancellationToken).ConfigureAwait(false);
                return Plan(method, $"{prefix}/images/create", query);
            case "image.build":
                return await AuthorizeBuildAsync(prefix, query, cancellationToken).ConfigureAwait(false);
            case "image.commit":
                return await AuthorizeCommitAsync(prefix, query, body, cancellationToken).ConfigureAwait(false);
            default:
                // push and anything else that would act on shared registries.
                Deny($"{route.Name} is not allowed");
                return Plan(method, $"{prefix}/images/{name}/push", query);
        }
    }

    private async Task<string> OwnedImageAsync(string reference, CancellationToken cancellationToken)
    {
        var image = await _engine.InspectImageAsync(reference, cancellationToken).ConfigureAwait(false);
        return image is not null && Owns(image) ? image.Id : throw NotFound("image", reference);
    }

    private static string TagReference(string repo, string? tag) =>
        string.IsNullOrEmpty(tag) ? (repo.Contains('@') || repo.LastIndexOf(':') > repo.LastIndexOf('/') ? repo : repo + ":latest") : $"{repo}:{tag}";

    private async Task<ForwardPlan> AuthorizeCommitAsync(string prefix, QueryParameters query, byte[] rawBody, CancellationToken cancellationToken)
    {
        var container = await OwnedContainerAsync(query.Get("container") ?? throw new RequestRejectedException(400, "container is required"), cancellationToken).ConfigureAwait(false);
        if (query.Get("repo") is { Length: > 0 } repo)
        {
            await CheckImageTargetAsync(TagReference(repo, query.Get("tag")), cancellationToken).ConfigureAwait(false);
        }

        foreach (var change in query.GetAll("changes"))
        {
            CheckCommitChange(change);
        }

        var config = StrictJson.ParseObject(rawBody, EngineBodyShapes.Commit);
        StrictJson.Set(config, "Labels", StampLabels(StrictJson.GetObject(config, "Labels")));
        return Plan("POST", prefix + "/commit", query.With("container", container), Serialize(config));
    }

    /// <summary>
    /// Commit changes are Dockerfile lines the engine parses (all values joined by newlines). Every non-empty line must
    /// start with a whitelisted instruction: no LABEL (it could forge owner labels), no ONBUILD, no comments (a parser
    /// directive such as <c>escape</c> would change how the lines after it split). Continuation lines are checked like
    /// any other line, so nothing hides behind an escape the proxy reads differently from the engine.
    /// </summary>
    internal static void CheckCommitChange(string change)
    {
        foreach (var raw in change.Split('\n'))
        {
            var line = raw.TrimStart();
            if (line.Length == 0)
            {
                continue;
            }

            var end = 0;
            while (end < line.Length && !char.IsWhiteSpace(line[end]))
            {
                end++;
            }

            var instruction = line[..end];
            if (!CommitInstructions.Contains(instruction))
            {
                throw new RequestRejectedException(403, $"commit change '{instruction}' is not allowed (allowed: {string.Join(", ", CommitInstructions.Order(StringComparer.Ordinal))})");
            }
        }
    }

    private static readonly HashSet<string> CommitInstructions = new(StringComparer.OrdinalIgnoreCase)
    {
        "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "USER", "WORKDIR", "STOPSIGNAL", "HEALTHCHECK", "VOLUME",
    };
}
