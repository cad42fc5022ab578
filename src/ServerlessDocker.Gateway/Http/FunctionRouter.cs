using System.Collections.Concurrent;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Http;

/// <summary>A function selected by a path, with the CGI split of the path.</summary>
/// <param name="Function">The function.</param>
/// <param name="ScriptName">The prefix that selected it (<c>SCRIPT_NAME</c>).</param>
/// <param name="PathInfo">The rest (<c>PATH_INFO</c>).</param>
internal sealed record RouteMatch(FunctionDefinition Function, string ScriptName, string PathInfo);

/// <summary>
/// Finds functions by name and by path: <c>/function/{name}/...</c>, each function's <c>route:</c>, and prefixes mapped
/// in code with <c>MapContainerFunction</c>. Reads the current config on every call, so reloads apply at once.
/// </summary>
internal sealed class FunctionRouter(IGatewayConfigSource config, ContainerFunctionsOptions options)
{
    public const string FunctionPrefix = "/function/";

    private readonly ConcurrentDictionary<string, string> _mappedPrefixes = new(StringComparer.OrdinalIgnoreCase);

    public GatewayOptions Gateway => config.Current.Gateway;

    /// <summary>The function of that name: from the config, from code, or (library mode) an image of that name with defaults.</summary>
    public FunctionDefinition? Find(string name, bool allowImageFallback)
    {
        if (config.Current.Functions.TryGetValue(name, out var fn))
        {
            return fn;
        }

        var coded = options.Functions.FirstOrDefault(f => f.Name == name);
        return coded ?? (allowImageFallback ? new FunctionDefinition { Name = name, Image = name } : null);
    }

    /// <summary>All functions in force.</summary>
    public IReadOnlyList<FunctionDefinition> All() =>
        config.Current.Functions.Values.Concat(options.Functions.Where(f => !config.Current.Functions.ContainsKey(f.Name))).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();

    /// <summary>Remembers a prefix mapped in code, so local redirects can reach it.</summary>
    public void AddMappedPrefix(string prefix, string function) => _mappedPrefixes[prefix] = function;

    public RouteMatch? Resolve(string path)
    {
        if (path.StartsWith(FunctionPrefix, StringComparison.Ordinal))
        {
            var rest = path[FunctionPrefix.Length..];
            var slash = rest.IndexOf('/');
            var name = slash < 0 ? rest : rest[..slash];
            return Find(name, allowImageFallback: false) is { } byName
                ? new RouteMatch(byName, FunctionPrefix + name, slash < 0 ? "" : rest[slash..])
                : null;
        }

        foreach (var fn in All())
        {
            if (fn.Route is { } route && Split(path, route) is { } pathInfo)
            {
                return new RouteMatch(fn, route, pathInfo);
            }
        }

        foreach (var (prefix, name) in _mappedPrefixes)
        {
            if (Split(path, prefix) is { } pathInfo && Find(name, allowImageFallback: true) is { } fn)
            {
                return new RouteMatch(fn, prefix, pathInfo);
            }
        }

        return null;
    }

    private static string? Split(string path, string prefix) =>
        path.Equals(prefix, StringComparison.OrdinalIgnoreCase) ? ""
        : path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase) ? path[prefix.Length..]
        : null;
}
