using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ServerlessDocker.Gateway.Configuration;

/// <summary>
/// Reads functions.yaml into a validated <see cref="GatewayConfig"/>. Every error names the line and column,
/// and unknown keys are errors too (a typo such as <c>timout:</c> must not silently mean "default").
/// </summary>
public static partial class GatewayConfigLoader
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,62}$")]
    private static partial Regex FunctionNamePattern();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex VariablePattern();

    /// <summary>Loads and validates a config file.</summary>
    /// <param name="path">Path of functions.yaml.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="GatewayConfigException">The file is not valid; the message names the line.</exception>
    public static async Task<GatewayConfig> LoadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, Path.GetFileName(path));
    }

    /// <summary>Parses and validates config text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="source">Name used in error messages.</param>
    /// <exception cref="GatewayConfigException">The text is not valid; the message names the line.</exception>
    public static GatewayConfig Parse(string yaml, string source = "functions.yaml")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            // YamlDotNet's own message repeats the position; keep only its reason.
            var reason = ex.InnerException?.Message ?? ex.Message;
            var idx = reason.IndexOf("): ", StringComparison.Ordinal);
            throw new GatewayConfigException(source, (int)ex.Start.Line, (int)ex.Start.Column, idx >= 0 ? reason[(idx + 3)..] : reason, ex);
        }

        var reader = new Reader(source);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new GatewayConfigException(source, 1, 1, "the file is empty; expected a 'functions:' mapping");
        }

        return reader.ReadRoot(stream.Documents[0].RootNode);
    }

    private sealed class Reader(string source)
    {
        public GatewayConfig ReadRoot(YamlNode node)
        {
            var root = Mapping(node, "the document");
            GatewayOptions gateway = GatewayOptions.Empty;
            Dictionary<string, FunctionDefinition>? functions = null;
            foreach (var (key, value) in Entries(root, ["gateway", "functions"]))
            {
                if (key == "gateway")
                {
                    gateway = ReadGateway(value);
                }
                else
                {
                    functions = ReadFunctions(value);
                }
            }

            if (functions is null)
            {
                throw Error(root, "missing 'functions:' mapping");
            }

            return new GatewayConfig { Gateway = gateway, Functions = functions };
        }

        private GatewayOptions ReadGateway(YamlNode node)
        {
            var options = GatewayOptions.Empty;
            foreach (var (key, value) in Entries(Mapping(node, "'gateway'"), ["adminToken", "invokeToken", "store", "asyncWorkers", "maxStoredOutput", "swarmHost", "callbackHosts"]))
            {
                options = key switch
                {
                    "adminToken" => options with { AdminToken = Secret(value, key) },
                    "invokeToken" => options with { InvokeToken = Secret(value, key) },
                    "store" => options with { StorePath = Scalar(value, key) },
                    "asyncWorkers" => options with { AsyncWorkers = Int(value, key, 1, 256) },
                    "swarmHost" => options with { SwarmHost = Secret(value, key) },
                    "callbackHosts" => options with { CallbackHosts = Sequence(value, key) },
                    _ => options with { MaxStoredOutputBytes = Size(value, key) },
                };
            }

            return options;
        }

        private Dictionary<string, FunctionDefinition> ReadFunctions(YamlNode node)
        {
            var functions = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
            var routes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (keyNode, value) in Mapping(node, "'functions'").Children)
            {
                var name = Scalar(keyNode, "function name");
                if (!FunctionNamePattern().IsMatch(name))
                {
                    throw Error(keyNode, $"function name '{name}' must be lowercase letters, digits, '-', '_' or '.'");
                }

                var function = ReadFunction(name, value) with { SourceLine = (int)keyNode.Start.Line };
                if (function.Route is { } route)
                {
                    if (routes.TryGetValue(route, out var other))
                    {
                        throw Error(value, $"route '{route}' of function '{name}' is already used by function '{other}'");
                    }

                    routes[route] = name;
                }

                functions[name] = function;
            }

            return functions;
        }

        private static readonly string[] FunctionKeys =
        [
            "image", "route", "mode", "backend", "args", "env", "timeout", "concurrency", "queue", "maxBody", "maxResponse",
            "memory", "cpus", "pids", "network", "readOnly", "contentType", "auth", "retry", "dockerAccess",
        ];

        private FunctionDefinition ReadFunction(string name, YamlNode node)
        {
            var map = Mapping(node, $"function '{name}'");
            string? image = null;
            YamlNode? accessNode = null;
            var f = new FunctionDefinition { Name = name, Image = "" };
            foreach (var (key, value) in Entries(map, FunctionKeys))
            {
                switch (key)
                {
                    case "image": image = Scalar(value, key); break;
                    case "route": f = f with { Route = Route(value) }; break;
                    case "mode": f = f with { Mode = Mode(value) }; break;
                    case "backend": f = f with { Backend = Backend(value) }; break;
                    case "args": f = f with { Arguments = Sequence(value, key) }; break;
                    case "env": f = f with { Environment = StringMap(value, key) }; break;
                    case "timeout": f = f with { Timeout = Duration(value, key) }; break;
                    case "concurrency": f = f with { Concurrency = Int(value, key, 1, 10_000) }; break;
                    case "queue": f = f with { QueueLength = Int(value, key, 0, 100_000) }; break;
                    case "maxBody": f = f with { MaxRequestBodyBytes = Size(value, key) }; break;
                    case "maxResponse": f = f with { MaxResponseBytes = Size(value, key) }; break;
                    case "memory": f = f with { MemoryBytes = IsNull(value) ? null : Size(value, key) }; break;
                    case "cpus": f = f with { Cpus = IsNull(value) ? null : Double(value, key) }; break;
                    case "pids": f = f with { PidsLimit = IsNull(value) ? null : Int(value, key, 1, 1_000_000) }; break;
                    case "network": f = f with { NetworkMode = Scalar(value, key) }; break;
                    case "readOnly": f = f with { ReadOnlyRootFilesystem = Bool(value, key) }; break;
                    case "contentType": f = f with { PlainContentType = Scalar(value, key) }; break;
                    case "auth": f = f with { RequireAuth = Bool(value, key) }; break;
                    case "dockerAccess": f = DockerAccess(f, value); accessNode = value; break;
                    default: f = f with { Retry = ReadRetry(value) }; break;
                }
            }

            if (string.IsNullOrWhiteSpace(image))
            {
                throw Error(node, $"function '{name}' needs an 'image:'");
            }

            if (f.ScopedDockerAccess && f.Backend == FunctionBackend.Swarm)
            {
                throw Error(accessNode ?? node, $"function '{name}': 'dockerAccess: scoped' needs the local backend (the scoped socket exists only on the gateway's machine)");
            }

            return f with { Image = image };
        }

        private FunctionDefinition DockerAccess(FunctionDefinition f, YamlNode node)
        {
            var value = Scalar(node, "dockerAccess");
            if (value == "none")
            {
                return f with { ScopedDockerAccess = false, DockerAccessPolicyPath = null };
            }

            if (value == "scoped")
            {
                return f with { ScopedDockerAccess = true, DockerAccessPolicyPath = null };
            }

            if (value.StartsWith("scoped:", StringComparison.Ordinal) && value.Length > "scoped:".Length)
            {
                var path = Path.GetFullPath(value["scoped:".Length..]);
                if (!File.Exists(path))
                {
                    throw Error(node, $"dockerAccess policy file '{path}' does not exist");
                }

                return f with { ScopedDockerAccess = true, DockerAccessPolicyPath = path };
            }

            throw Error(node, $"dockerAccess '{value}' must be none, scoped, or scoped:POLICY.yaml");
        }

        private RetryPolicy ReadRetry(YamlNode node)
        {
            var retry = RetryPolicy.Default;
            foreach (var (key, value) in Entries(Mapping(node, "'retry'"), ["attempts", "backoff", "maxBackoff", "multiplier"]))
            {
                retry = key switch
                {
                    "attempts" => retry with { MaxAttempts = Int(value, key, 1, 1000) },
                    "backoff" => retry with { InitialBackoff = Duration(value, key) },
                    "maxBackoff" => retry with { MaxBackoff = Duration(value, key) },
                    _ => retry with { Multiplier = Double(value, key) },
                };
            }

            return retry;
        }

        private string Route(YamlNode node)
        {
            var route = Scalar(node, "route").TrimEnd('/');
            if (!route.StartsWith('/') || route.Length < 2 || route.Contains('{') || route.Contains('?'))
            {
                throw Error(node, $"route '{route}' must start with '/' and be a plain path such as /leftpad");
            }

            foreach (var reserved in new[] { "/function", "/async-function", "/calls", "/admin", "/dashboard", "/metrics", "/healthz" })
            {
                if (route.Equals(reserved, StringComparison.OrdinalIgnoreCase) || route.StartsWith(reserved + "/", StringComparison.OrdinalIgnoreCase))
                {
                    throw Error(node, $"route '{route}' is reserved by the gateway ({reserved})");
                }
            }

            return route;
        }

        private FunctionMode Mode(YamlNode node) => Scalar(node, "mode") switch
        {
            "cgi" => FunctionMode.Cgi,
            "plain" => FunctionMode.Plain,
            var other => throw Error(node, $"mode '{other}' is not known; use 'cgi' or 'plain'"),
        };

        private FunctionBackend Backend(YamlNode node) => Scalar(node, "backend") switch
        {
            "local" => FunctionBackend.Local,
            "swarm" => FunctionBackend.Swarm,
            var other => throw Error(node, $"backend '{other}' is not known; use 'local' or 'swarm'"),
        };

        private IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode map, string[] allowed)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = Scalar(keyNode, "key");
                if (!allowed.Contains(key, StringComparer.Ordinal))
                {
                    throw Error(keyNode, $"unknown key '{key}'; expected one of: {string.Join(", ", allowed)}");
                }

                if (!seen.Add(key))
                {
                    throw Error(keyNode, $"duplicate key '{key}'");
                }

                yield return (key, value);
            }
        }

        private YamlMappingNode Mapping(YamlNode node, string what) =>
            node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value lines)");

        private string Scalar(YamlNode node, string what) =>
            node is YamlScalarNode { Value: { } v } ? v : throw Error(node, $"'{what}' must be a single value");

        private static bool IsNull(YamlNode node) => node is YamlScalarNode { Value: null or "" or "null" or "~", Style: ScalarStyle.Plain };

        private string? Secret(YamlNode node, string what)
        {
            // ${VAR} keeps tokens out of the file; an unset variable is an error rather than an empty token.
            var raw = Scalar(node, what);
            return VariablePattern().Replace(raw, m => System.Environment.GetEnvironmentVariable(m.Groups[1].Value)
                ?? throw Error(node, $"environment variable '{m.Groups[1].Value}' used by '{what}' is not set"));
        }

        private int Int(YamlNode node, string what, int min, int max)
        {
            var text = Scalar(node, what);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw Error(node, $"'{what}' must be a whole number from {min} to {max}, not '{text}'");
            }

            return value;
        }

        private double Double(YamlNode node, string what)
        {
            var text = Scalar(node, what);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
            {
                throw Error(node, $"'{what}' must be a positive number, not '{text}'");
            }

            return value;
        }

        private bool Bool(YamlNode node, string what) => Scalar(node, what) switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            var other => throw Error(node, $"'{what}' must be true or false, not '{other}'"),
        };

        private TimeSpan Duration(YamlNode node, string what)
        {
            var text = Scalar(node, what);
            if (!Quantities.TryParseDuration(text, out var value) || value <= TimeSpan.Zero)
            {
                throw Error(node, $"'{what}' must be a positive duration such as 500ms, 10s, 2m or 1h, not '{text}'");
            }

            return value;
        }

        private long Size(YamlNode node, string what)
        {
            var text = Scalar(node, what);
            if (!Quantities.TryParseSize(text, out var value) || value <= 0)
            {
                throw Error(node, $"'{what}' must be a positive size such as 512k, 10m or 1g, not '{text}'");
            }

            return value;
        }

        private List<string> Sequence(YamlNode node, string what) =>
            node is YamlSequenceNode seq
                ? seq.Children.Select(c => Scalar(c, what)).ToList()
                : throw Error(node, $"'{what}' must be a list such as [\"a\", \"b\"]");

        private Dictionary<string, string> StringMap(YamlNode node, string what)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in Mapping(node, $"'{what}'").Children)
            {
                var key = Scalar(k, what);
                if (key.Length == 0 || key.Contains('='))
                {
                    throw Error(k, $"'{what}' name '{key}' is not a valid environment variable name");
                }

                result[key] = IsNull(v) ? "" : Scalar(v, key);
            }

            return result;
        }

        private GatewayConfigException Error(YamlNode node, string reason) =>
            new(source, (int)node.Start.Line, (int)node.Start.Column, reason);
    }
}
