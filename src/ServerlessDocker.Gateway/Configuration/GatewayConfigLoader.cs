using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ServerlessDocker.Gateway.Configuration;

/// <summary>
/// Reads functions.yaml into a validated <see cref="GatewayConfig"/>. Every error names the line and column,
/// and unknown keys are errors too (a typo such as <c>timout:</c> must not silently mean "default").
/// </summary>
/// <remarks>The schema lives here as key tables; the generic strictness (keys, duplicates, types, positions) is
/// <see cref="StrictYamlReader"/>'s.</remarks>
public static partial class GatewayConfigLoader
{
    private static readonly string[] ReservedRoutes = ["/function", "/async-function", "/calls", "/admin", "/dashboard", "/metrics", "/healthz"];

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,62}$")]
    private static partial Regex FunctionNamePattern();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex VariablePattern();

    /// <summary>The <c>gateway:</c> section.</summary>
    internal static YamlKeyTable<GatewayOptions> GatewayKeys { get; } = new()
    {
        ["adminToken"] = (o, v) => o with { AdminToken = Secret(v) },
        ["invokeToken"] = (o, v) => o with { InvokeToken = Secret(v) },
        ["store"] = (o, v) => o with { StorePath = v.Scalar() },
        ["asyncWorkers"] = (o, v) => o with { AsyncWorkers = v.Int(1, 256) },
        ["maxStoredOutput"] = (o, v) => o with { MaxStoredOutputBytes = v.Size() },
        ["swarmHost"] = (o, v) => o with { SwarmHost = Secret(v) },
        ["callbackHosts"] = (o, v) => o with { CallbackHosts = v.Sequence() },
    };

    /// <summary>A function's <c>retry:</c> mapping.</summary>
    internal static YamlKeyTable<RetryPolicy> RetryKeys { get; } = new()
    {
        ["attempts"] = (r, v) => r with { MaxAttempts = v.Int(1, 1000) },
        ["backoff"] = (r, v) => r with { InitialBackoff = v.Duration() },
        ["maxBackoff"] = (r, v) => r with { MaxBackoff = v.Duration() },
        ["multiplier"] = (r, v) => r with { Multiplier = v.PositiveDouble() },
    };

    /// <summary>A function's <c>warm:</c> mapping.</summary>
    internal static YamlKeyTable<Warm.WarmPoolOptions> WarmKeys { get; } = new()
    {
        ["min"] = (w, v) => w with { Min = v.Int(0, 1000) },
        ["max"] = (w, v) => w with { Max = v.Int(1, 1000) },
        ["idleTimeout"] = (w, v) => w with { IdleTimeout = v.Duration() },
        ["maxCalls"] = (w, v) => w with { MaxCalls = v.Int(1, int.MaxValue) },
    };

    /// <summary>One function's settings.</summary>
    internal static YamlKeyTable<FunctionDraft> FunctionKeys { get; } = new()
    {
        ["image"] = (d, v) => d.With(f => f with { Image = v.Scalar() }),
        ["route"] = (d, v) => d.With(f => f with { Route = Route(v) }),
        ["mode"] = (d, v) => d.With(f => f with { Mode = Mode(v) }),
        ["backend"] = (d, v) => d.With(f => f with { Backend = Backend(v) }),
        ["args"] = (d, v) => d.With(f => f with { Arguments = v.Sequence() }),
        ["env"] = (d, v) => d.With(f => f with { Environment = v.StringMap() }),
        ["timeout"] = (d, v) => d.With(f => f with { Timeout = v.Duration() }),
        ["concurrency"] = (d, v) => d.With(f => f with { Concurrency = v.Int(1, 10_000) }),
        ["queue"] = (d, v) => d.With(f => f with { QueueLength = v.Int(0, 100_000) }),
        ["maxBody"] = (d, v) => d.With(f => f with { MaxRequestBodyBytes = v.Size() }),
        ["maxResponse"] = (d, v) => d.With(f => f with { MaxResponseBytes = v.Size() }),
        ["memory"] = (d, v) => d.With(f => f with { MemoryBytes = v.IsNull ? null : v.Size() }),
        ["cpus"] = (d, v) => d.With(f => f with { Cpus = v.IsNull ? null : v.PositiveDouble() }),
        ["pids"] = (d, v) => d.With(f => f with { PidsLimit = v.IsNull ? null : v.Int(1, 1_000_000) }),
        ["network"] = (d, v) => d.With(f => f with { NetworkMode = v.Scalar() }),
        ["readOnly"] = (d, v) => d.With(f => f with { ReadOnlyRootFilesystem = v.Bool() }),
        ["contentType"] = (d, v) => d.With(f => f with { PlainContentType = v.Scalar() }),
        ["auth"] = (d, v) => d.With(f => f with { RequireAuth = v.Bool() }),
        ["retry"] = (d, v) => d.With(f => f with { Retry = v.Reader.ReadMapping(v.Node, "'retry'", RetryPolicy.Default, RetryKeys) }),
        ["dockerAccess"] = (d, v) => DockerAccess(d.Definition, v) with { DockerAccessNode = v.Node, WarmNode = d.WarmNode },
        ["warm"] = (d, v) => d.With(f => f with { Warm = Warm(v) }) with { WarmNode = v.Node },
    };

    /// <summary>The top level: <c>gateway:</c>, <c>functions:</c> and <c>jobs:</c>.</summary>
    internal static YamlKeyTable<RootDraft> RootKeys { get; } = new()
    {
        ["gateway"] = (r, v) => r with { Gateway = v.Reader.ReadMapping(v.Node, "'gateway'", GatewayOptions.Empty, GatewayKeys) },
        ["functions"] = (r, v) => r with { Functions = ReadFunctions(v) },
        ["jobs"] = (r, v) => r with { JobsNode = v.Node },
    };

    /// <summary>Loads and validates a config file.</summary>
    /// <param name="path">Path of functions.yaml.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="GatewayConfigException">The file is not valid; the message names the line.</exception>
    public static async Task<GatewayConfig> LoadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return ParseFile(text, path);
    }

    /// <summary>Parses the text of the file at <paramref name="path"/>: relative paths in it (bind sources, policy
    /// files) are relative to the file's directory, as in a compose file.</summary>
    internal static GatewayConfig ParseFile(string yaml, string path)
    {
        var full = Path.GetFullPath(path);
        return Parse(new StrictYamlReader(Path.GetFileName(full), Path.GetDirectoryName(full)), yaml);
    }

    /// <summary>Parses and validates config text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="source">Name used in error messages.</param>
    /// <exception cref="GatewayConfigException">The text is not valid; the message names the line.</exception>
    /// <remarks>Relative paths in the text are relative to the current directory; <see cref="LoadFileAsync"/> takes
    /// them relative to the file.</remarks>
    public static GatewayConfig Parse(string yaml, string source = "functions.yaml") => Parse(new StrictYamlReader(source), yaml);

    private static GatewayConfig Parse(StrictYamlReader reader, string yaml)
    {
        var root = reader.LoadRoot(yaml, "a 'functions:' mapping");
        var draft = reader.ReadMapping(root, "the document", new RootDraft(GatewayOptions.Empty, null), RootKeys);
        if (draft.Functions is null && draft.JobsNode is null)
        {
            throw reader.Error(root, "missing 'functions:' mapping (or 'jobs:' for scheduled jobs)");
        }

        // Jobs are read last: a job's 'function:' names a function of the same file, wherever it is declared.
        var functions = draft.Functions ?? new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        var jobs = draft.JobsNode is { } jobsNode ? JobConfigReader.Read(reader, jobsNode, functions, draft.Gateway) : new Dictionary<string, JobDefinition>(StringComparer.Ordinal);
        return new GatewayConfig { Gateway = draft.Gateway, Functions = functions, Jobs = jobs };
    }

    private static Dictionary<string, FunctionDefinition> ReadFunctions(YamlValue functionsValue)
    {
        var reader = functionsValue.Reader;
        var functions = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        var routes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, value) in reader.Mapping(functionsValue.Node, "'functions'").Children)
        {
            var name = reader.Scalar(keyNode, "function name");
            if (!FunctionNamePattern().IsMatch(name))
            {
                throw reader.Error(keyNode, $"function name '{name}' must be lowercase letters, digits, '-', '_' or '.'");
            }

            var function = ReadFunction(reader, name, value) with { SourceLine = (int)keyNode.Start.Line };
            if (function.Route is { } route)
            {
                if (routes.TryGetValue(route, out var other))
                {
                    throw reader.Error(value, $"route '{route}' of function '{name}' is already used by function '{other}'");
                }

                routes[route] = name;
            }

            functions[name] = function;
        }

        return functions;
    }

    private static FunctionDefinition ReadFunction(StrictYamlReader reader, string name, YamlNode node)
    {
        var initial = new FunctionDraft(new FunctionDefinition { Name = name, Image = "" }, null);
        var draft = reader.ReadMapping(node, $"function '{name}'", initial, FunctionKeys);
        var (f, accessNode) = draft;
        var warmNode = draft.WarmNode;
        if (string.IsNullOrWhiteSpace(f.Image))
        {
            throw reader.Error(node, $"function '{name}' needs an 'image:'");
        }

        if (f.ScopedDockerAccess && f.Backend == BackendKind.Swarm)
        {
            throw reader.Error(accessNode ?? node, $"function '{name}': 'dockerAccess: scoped' needs the local backend (the scoped socket exists only on the gateway's machine)");
        }

        if (f.Warm is not null && f.Backend == BackendKind.Swarm)
        {
            throw reader.Error(warmNode ?? node, $"function '{name}': 'warm:' needs the local backend (pooled containers live on the gateway's engine); drop 'backend: swarm' or 'warm:'");
        }

        if (f.Warm is not null && f.ScopedDockerAccess)
        {
            throw reader.Error(warmNode ?? node, $"function '{name}': 'warm:' and 'dockerAccess: scoped' do not go together (a pooled container outlives one call's scope); drop one of them");
        }

        return f;
    }

    /// <summary><c>warm: true</c> (the defaults), <c>warm: false</c>, or a mapping of <c>min</c>, <c>max</c>, <c>idleTimeout</c>, <c>maxCalls</c>.</summary>
    private static Warm.WarmPoolOptions? Warm(YamlValue v)
    {
        if (v.Node is YamlDotNet.RepresentationModel.YamlScalarNode)
        {
            return v.Bool() ? new Warm.WarmPoolOptions() : null;
        }

        var options = v.Reader.ReadMapping(v.Node, "'warm'", new Warm.WarmPoolOptions(), WarmKeys);
        if (options.Min > options.Max)
        {
            throw v.Error($"'warm': min ({options.Min}) is above max ({options.Max})");
        }

        return options;
    }

    private static FunctionDraft DockerAccess(FunctionDefinition f, YamlValue v)
    {
        var value = v.Scalar();
        if (value == "none")
        {
            return new(f with { ScopedDockerAccess = false, DockerAccessPolicyPath = null }, null);
        }

        if (value == "scoped")
        {
            return new(f with { ScopedDockerAccess = true, DockerAccessPolicyPath = null }, null);
        }

        if (value.StartsWith("scoped:", StringComparison.Ordinal) && value.Length > "scoped:".Length)
        {
            var path = v.Reader.FullPath(value["scoped:".Length..]);
            if (!File.Exists(path))
            {
                throw v.Error($"dockerAccess policy file '{path}' does not exist");
            }

            return new(f with { ScopedDockerAccess = true, DockerAccessPolicyPath = path }, null);
        }

        throw v.Error($"dockerAccess '{value}' must be none, scoped, or scoped:POLICY.yaml");
    }

    private static string Route(YamlValue v)
    {
        var route = v.Scalar().TrimEnd('/');
        if (!route.StartsWith('/') || route.Length < 2 || route.Contains('{', StringComparison.Ordinal) || route.Contains('?', StringComparison.Ordinal))
        {
            throw v.Error($"route '{route}' must start with '/' and be a plain path such as /leftpad");
        }

        foreach (var reserved in ReservedRoutes)
        {
            if (route.Equals(reserved, StringComparison.OrdinalIgnoreCase) || route.StartsWith(reserved + "/", StringComparison.OrdinalIgnoreCase))
            {
                throw v.Error($"route '{route}' is reserved by the gateway ({reserved})");
            }
        }

        return route;
    }

    private static FunctionMode Mode(YamlValue v) => v.Scalar() switch
    {
        "cgi" => FunctionMode.Cgi,
        "plain" => FunctionMode.Plain,
        var other => throw v.Error($"mode '{other}' is not known; use 'cgi' or 'plain'"),
    };

    private static BackendKind Backend(YamlValue v) => v.Scalar() switch
    {
        "local" => BackendKind.Local,
        "swarm" => BackendKind.Swarm,
        var other => throw v.Error($"backend '{other}' is not known; use 'local' or 'swarm'"),
    };

    private static string Secret(YamlValue v)
    {
        // ${VAR} keeps tokens out of the file; an unset variable is an error rather than an empty token.
        var raw = v.Scalar();
        return VariablePattern().Replace(raw, m => System.Environment.GetEnvironmentVariable(m.Groups[1].Value)
            ?? throw v.Error($"environment variable '{m.Groups[1].Value}' used by '{v.Key}' is not set"));
    }

    /// <summary>The top level while it is read.</summary>
    internal sealed record RootDraft(GatewayOptions Gateway, Dictionary<string, FunctionDefinition>? Functions)
    {
        /// <summary>The <c>jobs:</c> node, read once the functions are known.</summary>
        public YamlNode? JobsNode { get; init; }
    }

    /// <summary>A function while it is read, with the nodes of its <c>dockerAccess:</c> and <c>warm:</c> for a later error.</summary>
    internal sealed record FunctionDraft(FunctionDefinition Definition, YamlNode? DockerAccessNode)
    {
        public YamlNode? WarmNode { get; init; }

        public FunctionDraft With(Func<FunctionDefinition, FunctionDefinition> change) => this with { Definition = change(Definition) };
    }
}
