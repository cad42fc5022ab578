namespace ServerlessDocker.Proxy.Routing;

/// <summary>
/// Maps a method and canonical path to the engine route it reaches, mirroring moby's router
/// (<c>daemon/server/router/*</c>). Anything not listed is null: the proxy denies it (default-deny).
/// </summary>
internal static class RouteTable
{
    private static readonly HashSet<string> ContainerGetActions = ["json", "top", "logs", "changes", "export", "stats", "archive"];

    private static readonly HashSet<string> ContainerPostActions =
        ["start", "stop", "restart", "kill", "pause", "unpause", "wait", "resize", "rename"];

    /// <summary>Matches a route or returns null.</summary>
    public static Route? Match(string method, IReadOnlyList<string> s)
    {
        var n = s.Count;
        switch (s[0])
        {
            case "_ping" when n == 1 && method is "GET" or "HEAD":
                return new("system.ping", null, RouteBody.None);
            case "version" when n == 1 && method == "GET":
                return new("system.version", null, RouteBody.None);
            case "events" when n == 1 && method == "GET":
                return new("system.events", null, RouteBody.None);
            case "containers":
                return MatchContainers(method, s);
            case "exec" when n == 3:
                return (method, s[2]) switch
                {
                    ("GET", "json") => new("exec.inspect", s[1], RouteBody.None),
                    ("POST", "start") => new("exec.start", s[1], RouteBody.Json, Hijack: true),
                    ("POST", "resize") => new("exec.resize", s[1], RouteBody.None),
                    _ => null,
                };
            case "images":
                return MatchImages(method, s);
            case "build" when n == 1 && method == "POST":
                return new("image.build", null, RouteBody.Stream);
            case "commit" when n == 1 && method == "POST":
                return new("image.commit", null, RouteBody.Json);
            case "networks":
                return MatchNetworks(method, s);
            case "volumes":
                return MatchVolumes(method, s);
            default:
                return null;
        }
    }

    private static Route? MatchContainers(string method, IReadOnlyList<string> s)
    {
        switch (s.Count)
        {
            case 2 when s[1] == "json" && method == "GET":
                return new("container.list", null, RouteBody.None);
            case 2 when s[1] == "create" && method == "POST":
                return new("container.create", null, RouteBody.Json);
            case 2 when s[1] == "prune" && method == "POST":
                return new("container.prune", null, RouteBody.None);
            case 2 when method == "DELETE":
                return new("container.delete", s[1], RouteBody.None);
            case 3:
                var (id, action) = (s[1], s[2]);
                return method switch
                {
                    "GET" when ContainerGetActions.Contains(action) => new($"container.{action}", id, RouteBody.None),
                    "HEAD" when action == "archive" => new("container.archive.head", id, RouteBody.None),
                    "PUT" when action == "archive" => new("container.archive.put", id, RouteBody.Stream),
                    "POST" when ContainerPostActions.Contains(action) => new($"container.{action}", id, RouteBody.None),
                    "POST" when action == "attach" => new("container.attach", id, RouteBody.None, Hijack: true),
                    "POST" when action == "exec" => new("container.exec", id, RouteBody.Json),
                    "POST" when action == "update" => new("container.update", id, RouteBody.Json),
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static Route? MatchImages(string method, IReadOnlyList<string> s)
    {
        var n = s.Count;
        if (n == 2)
        {
            switch (s[1], method)
            {
                case ("json", "GET"):
                    return new("image.list", null, RouteBody.None);
                case ("create", "POST"):
                    return new("image.pull", null, RouteBody.None);
                case ("prune", "POST"):
                    return new("image.prune", null, RouteBody.None);
                case ("get", "GET"):
                    return new("image.export-many", null, RouteBody.None);
                case ("load", _) or ("search", _):
                    return null;
            }
        }

        if (method == "DELETE" && n >= 2)
        {
            return new("image.delete", string.Join('/', s.Skip(1)), RouteBody.None);
        }

        if (n < 3)
        {
            return null;
        }

        // Image names are greedy ({name:.*}): everything between /images/ and the last segment.
        var name = string.Join('/', s.Skip(1).Take(n - 2));
        return (method, s[n - 1]) switch
        {
            ("GET", "json") => new("image.inspect", name, RouteBody.None),
            ("GET", "history") => new("image.history", name, RouteBody.None),
            ("GET", "get") => new("image.export", name, RouteBody.None),
            ("POST", "tag") => new("image.tag", name, RouteBody.None),
            ("POST", "push") => new("image.push", name, RouteBody.None),
            _ => null,
        };
    }

    private static Route? MatchNetworks(string method, IReadOnlyList<string> s) => (s.Count, method) switch
    {
        (1, "GET") => new("network.list", null, RouteBody.None),
        (2, "POST") when s[1] == "create" => new("network.create", null, RouteBody.Json),
        (2, "POST") when s[1] == "prune" => new("network.prune", null, RouteBody.None),
        (2, "GET") => new("network.inspect", s[1], RouteBody.None),
        (2, "DELETE") => new("network.delete", s[1], RouteBody.None),
        (3, "POST") when s[2] is "connect" or "disconnect" => new($"network.{s[2]}", s[1], RouteBody.Json),
        _ => null,
    };

    private static Route? MatchVolumes(string method, IReadOnlyList<string> s) => (s.Count, method) switch
    {
        (1, "GET") => new("volume.list", null, RouteBody.None),
        (2, "POST") when s[1] == "create" => new("volume.create", null, RouteBody.Json),
        (2, "POST") when s[1] == "prune" => new("volume.prune", null, RouteBody.None),
        (2, "GET") => new("volume.inspect", s[1], RouteBody.None),
        (2, "DELETE") => new("volume.delete", s[1], RouteBody.None),
        _ => null,
    };
}
