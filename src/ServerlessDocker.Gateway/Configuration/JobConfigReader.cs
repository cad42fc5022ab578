using System.Text.RegularExpressions;
using ServerlessDocker.Gateway.Triggers.Cron;
using YamlDotNet.RepresentationModel;

namespace ServerlessDocker.Gateway.Configuration;

/// <summary>
/// Reads the <c>jobs:</c> section of functions.yaml. Every error is a <see cref="GatewayConfigException"/> with the
/// line and what to write instead; a schedule that can never fire is an error here, not a job that silently never runs.
/// </summary>
internal static partial class JobConfigReader
{
    /// <summary>Inline jobs run long more often than functions answer requests: one hour unless stated.</summary>
    public static readonly TimeSpan DefaultInlineTimeout = TimeSpan.FromHours(1);

    /// <summary>A job's stdout is buffered up to this (its tail is kept in history); more cuts the run off.</summary>
    public const long DefaultMaxOutputBytes = 16L * 1024 * 1024;

    // Keys that configure the container only when the job brings its own image.
    private static readonly string[] InlineOnlyKeys = ["volumes", "network", "memory", "cpus", "pids", "readOnly"];

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,62}$")]
    private static partial Regex JobNamePattern();

    /// <summary>A job's <c>history:</c> mapping.</summary>
    internal static YamlKeyTable<JobHistoryPolicy> HistoryKeys { get; } = new()
    {
        ["succeeded"] = (h, v) => h with { Succeeded = v.Int(0, 100_000) },
        ["failed"] = (h, v) => h with { Failed = v.Int(0, 100_000) },
        ["maxAge"] = (h, v) => h with { MaxAge = v.Duration() },
    };

    /// <summary>A job's <c>onFailure:</c> mapping (url and secret are checked once it is read).</summary>
    internal static YamlKeyTable<JobFailureWebhook> WebhookKeys { get; } = new()
    {
        ["url"] = (w, v) => w with { Url = v.Scalar() },
        ["secret"] = (w, v) => w with { Secret = v.Scalar() },
        ["cooldown"] = (w, v) => w with { Cooldown = v.Duration() },
        ["retry"] = (w, v) => w with { Retry = v.Reader.ReadMapping(v.Node, "'onFailure.retry'", w.Retry, GatewayConfigLoader.RetryKeys) },
    };

    /// <summary>A job's settings.</summary>
    internal static YamlKeyTable<JobDraft> JobKeys { get; } = new()
    {
        ["schedule"] = (d, v) => d.Set(x => { x.Schedule = v.Scalar(); x.ScheduleNode = v.Node; }),
        ["seconds"] = (d, v) => d.Set(x => x.Seconds = v.Bool()),
        ["timeZone"] = (d, v) => d.Set(x => { x.TimeZone = v.Scalar(); x.TimeZoneNode = v.Node; }),
        ["dayMatch"] = (d, v) => d.Set(x => x.DayMatch = DayMatchValue(v)),
        ["function"] = (d, v) => d.Set(x => { x.Function = v.Scalar(); x.FunctionNode = v.Node; }),
        ["image"] = (d, v) => d.Set(x => x.Image = v.Scalar()),
        ["args"] = (d, v) => d.Set(x => x.Args = v.Sequence()),
        ["env"] = (d, v) => d.Set(x => x.Env = v.StringMap()),
        ["volumes"] = (d, v) => d.Set(x => x.Volumes = Volumes(v)),
        ["network"] = (d, v) => d.Set(x => x.Network = v.Scalar()),
        ["memory"] = (d, v) => d.Set(x => x.Memory = v.IsNull ? -1 : v.Size()),
        ["cpus"] = (d, v) => d.Set(x => x.Cpus = v.IsNull ? -1 : v.PositiveDouble()),
        ["pids"] = (d, v) => d.Set(x => x.Pids = v.IsNull ? -1 : v.Int(1, 1_000_000)),
        ["readOnly"] = (d, v) => d.Set(x => x.ReadOnly = v.Bool()),
        ["maxOutput"] = (d, v) => d.Set(x => x.MaxOutput = v.Size()),
        ["backend"] = (d, v) => d.Set(x => x.Backend = BackendValue(v)),
        ["concurrency"] = (d, v) => d.Set(x => x.Definition = x.Definition with { Concurrency = ConcurrencyValue(v) }),
        ["misfire"] = (d, v) => d.Set(x => x.Definition = x.Definition with { Misfire = MisfireValue(v) }),
        ["startingDeadline"] = (d, v) => d.Set(x => x.Definition = x.Definition with { StartingDeadline = v.Duration() }),
        ["maxCatchUp"] = (d, v) => d.Set(x => x.Definition = x.Definition with { MaxCatchUp = v.Int(1, 1000) }),
        ["timeout"] = (d, v) => d.Set(x => x.Timeout = v.Duration()),
        ["retry"] = (d, v) => d.Set(x => x.Definition = x.Definition with
        {
            Retry = v.Reader.ReadMapping(v.Node, "'retry'", x.Definition.Retry, GatewayConfigLoader.RetryKeys),
        }),
        ["suspend"] = (d, v) => d.Set(x => x.Definition = x.Definition with { Suspend = v.Bool() }),
        ["onFailure"] = (d, v) => d.Set(x => { x.OnFailure = v.Reader.ReadMapping(v.Node, "'onFailure'", new JobFailureWebhook { Url = "", Secret = "" }, WebhookKeys); x.OnFailureNode = v.Node; }),
        ["history"] = (d, v) => d.Set(x => x.Definition = x.Definition with
        {
            History = v.Reader.ReadMapping(v.Node, "'history'", JobHistoryPolicy.Default, HistoryKeys),
        }),
    };

    /// <summary>Reads <c>jobs:</c>, resolving <c>function:</c> against the functions of the same file.</summary>
    public static Dictionary<string, JobDefinition> Read(StrictYamlReader reader, YamlNode jobsNode, IReadOnlyDictionary<string, FunctionDefinition> functions, GatewayOptions gateway)
    {
        var jobs = new Dictionary<string, JobDefinition>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in reader.Mapping(jobsNode, "'jobs'").Children)
        {
            var name = reader.Scalar(keyNode, "job name");
            if (!JobNamePattern().IsMatch(name))
            {
                throw reader.Error(keyNode, $"job name '{name}' must be lowercase letters, digits, '-', '_' or '.' (at most 63), for example 'nightly-backup'");
            }

            var draft = reader.ReadMapping(value, $"job '{name}'", new JobDraft(name), JobKeys);
            jobs[name] = Build(reader, name, value, draft, functions, gateway) with { SourceLine = (int)keyNode.Start.Line };
        }

        return jobs;
    }

    private static JobDefinition Build(StrictYamlReader reader, string name, YamlNode node, JobDraft d, IReadOnlyDictionary<string, FunctionDefinition> functions, GatewayOptions gateway)
    {
        if (d.OnFailure is { } hook)
        {
            if (hook.Url.Length == 0 || hook.Secret.Length == 0)
            {
                throw reader.Error(d.OnFailureNode!, $"job '{name}': 'onFailure' needs 'url:' and 'secret:' (the HMAC key the receiver checks), for example 'onFailure: {{ url: https://hooks.example.com/sdock, secret: ${{HOOK_SECRET}} }}'");
            }

            if (Triggers.Async.CallbackPolicy.Check(hook.Url, gateway.CallbackHosts) is { } refused)
            {
                throw reader.Error(d.OnFailureNode!, $"job '{name}': onFailure url '{hook.Url}': {refused}");
            }
        }

        if (d.Schedule is null)
        {
            throw reader.Error(node, $"job '{name}' needs a 'schedule:', for example 'schedule: \"*/15 * * * *\"' or 'schedule: \"@every 90m\"'");
        }

        if (d.TimeZone is not null && !JobSchedule.TryFindZone(d.TimeZone, out _, out var zoneProblem))
        {
            throw reader.Error(d.TimeZoneNode!, zoneProblem!);
        }

        if (!JobSchedule.TryParse(d.Schedule, d.Seconds, d.TimeZone, d.DayMatch, out var schedule, out var problem))
        {
            throw reader.Error(d.ScheduleNode!, $"job '{name}': {problem}");
        }

        FunctionDefinition target;
        if (d.Function is { } functionName)
        {
            if (d.Image is not null)
            {
                throw reader.Error(node, $"job '{name}' sets both 'function:' and 'image:'; keep one (a function brings its own image and limits)");
            }

            if (InlineOnlyKeys.FirstOrDefault(k => d.IsSet(k)) is { } inlineKey)
            {
                throw reader.Error(node, $"job '{name}': '{inlineKey}' applies to an inline 'image:' job; set it on function '{functionName}' instead");
            }

            if (!functions.TryGetValue(functionName, out var fn))
            {
                var known = functions.Count == 0 ? "this file defines no functions" : "known: " + string.Join(", ", functions.Keys.Order(StringComparer.Ordinal));
                throw reader.Error(d.FunctionNode!, $"job '{name}' runs function '{functionName}', which is not defined under 'functions:' ({known})");
            }

            target = fn with
            {
                Mode = FunctionMode.Plain,
                Arguments = d.Args ?? fn.Arguments,
                Environment = Merge(fn.Environment, d.Env),
                Timeout = d.Timeout ?? fn.Timeout,
                Backend = d.Backend ?? fn.Backend,
                MaxResponseBytes = d.MaxOutput ?? Math.Max(fn.MaxResponseBytes, DefaultMaxOutputBytes),
            };
        }
        else if (d.Image is { } image && !string.IsNullOrWhiteSpace(image))
        {
            var defaults = new FunctionDefinition { Name = "", Image = "" };
            target = new FunctionDefinition
            {
                // Not a function name (those cannot contain ':'): the job's own limiter and metrics label.
                Name = "job:" + name,
                Image = image,
                Mode = FunctionMode.Plain,
                Backend = d.Backend ?? BackendKind.Local,
                Arguments = d.Args ?? [],
                Environment = d.Env ?? new Dictionary<string, string>(),
                Timeout = d.Timeout ?? DefaultInlineTimeout,
                NetworkMode = d.Network ?? defaults.NetworkMode,
                MemoryBytes = d.Memory is { } m ? (m < 0 ? null : m) : defaults.MemoryBytes,
                Cpus = d.Cpus is { } c ? (c < 0 ? null : c) : defaults.Cpus,
                PidsLimit = d.Pids is { } p ? (p < 0 ? null : p) : defaults.PidsLimit,
                ReadOnlyRootFilesystem = d.ReadOnly ?? defaults.ReadOnlyRootFilesystem,
                MaxResponseBytes = d.MaxOutput ?? DefaultMaxOutputBytes,

                // The job's concurrency policy decides about overlap; the limiter must not turn a slot into a 429.
                Concurrency = 10_000,
                QueueLength = 0,
                RequireAuth = true,
            };
        }
        else
        {
            throw reader.Error(node, $"job '{name}' needs 'function: NAME' (a function of this file) or 'image: IMAGE' (an inline container)");
        }

        if (d.Volumes is { Count: > 0 } && target.Backend == BackendKind.Swarm)
        {
            throw reader.Error(node, $"job '{name}': 'volumes:' needs the local backend (a bind path exists only on the gateway's machine); remove 'backend: swarm' or the volumes");
        }

        return d.Definition with
        {
            Name = name,
            Schedule = schedule!,
            Target = target,
            Function = d.Function,
            Volumes = d.Volumes ?? [],
            OnFailure = d.OnFailure,
        };
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> baseEnv, Dictionary<string, string>? overrides)
    {
        var env = new Dictionary<string, string>(baseEnv, StringComparer.Ordinal);
        foreach (var (k, v) in overrides ?? [])
        {
            env[k] = v;
        }

        return env;
    }

    private static List<ContainerMount> Volumes(YamlValue v)
    {
        var result = new List<ContainerMount>();
        if (v.Node is not YamlSequenceNode seq)
        {
            throw v.Error("'volumes' must be a list such as [\"./data:/data\", \"cache:/cache:ro\"]");
        }

        foreach (var item in seq.Children)
        {
            var text = v.Reader.Scalar(item, "volumes");
            var parts = text.Split(':');
            var readOnly = false;
            if (parts.Length == 3 && parts[2] is "ro" or "rw")
            {
                readOnly = parts[2] == "ro";
            }
            else if (parts.Length != 2)
            {
                throw v.Reader.Error(item, $"volume '{text}' must be 'SOURCE:TARGET' or 'SOURCE:TARGET:ro' (compose short syntax), for example './data:/data'");
            }

            var (source, target) = (parts[0], parts[1]);
            if (source.Length == 0 || !target.StartsWith('/'))
            {
                throw v.Reader.Error(item, $"volume '{text}': the target must be an absolute path in the container and the source a host path or volume name, for example './data:/data'");
            }

            result.Add(source.StartsWith('/') || source.StartsWith('.') || source.StartsWith('~')
                ? ContainerMount.Bind(v.Reader.FullPath(source.StartsWith('~') ? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile) + source[1..] : source), target, readOnly)
                : ContainerMount.Volume(source, target, readOnly));
        }

        return result;
    }

    private static DayMatch DayMatchValue(YamlValue v) => v.Scalar() switch
    {
        "either" => DayMatch.Either,
        "both" => DayMatch.Both,
        var other => throw v.Error($"dayMatch '{other}' is not known; use 'either' (the 13th or a Friday) or 'both' (Friday the 13th)"),
    };

    private static BackendKind BackendValue(YamlValue v) => v.Scalar() switch
    {
        "local" => BackendKind.Local,
        "swarm" => BackendKind.Swarm,
        var other => throw v.Error($"backend '{other}' is not known; use 'local' or 'swarm'"),
    };

    private static JobConcurrency ConcurrencyValue(YamlValue v) => v.Scalar() switch
    {
        "allow" => JobConcurrency.Allow,
        "forbid" => JobConcurrency.Forbid,
        "replace" => JobConcurrency.Replace,
        var other => throw v.Error($"concurrency '{other}' is not known; use 'allow' (runs may overlap), 'forbid' (a slot waits for the running run) or 'replace' (the running run is stopped)"),
    };

    private static MisfirePolicy MisfireValue(YamlValue v) => v.Scalar() switch
    {
        "skip" => MisfirePolicy.Skip,
        "runOnce" => MisfirePolicy.RunOnce,
        "runAll" => MisfirePolicy.RunAll,
        var other => throw v.Error($"misfire '{other}' is not known; use 'skip' (late slots never run), 'runOnce' (the newest late slot runs once) or 'runAll' (up to maxCatchUp late slots run)"),
    };

    /// <summary>A job while it is read (the schedule is parsed last: it depends on seconds, timeZone and dayMatch).</summary>
    internal sealed class JobDraft(string name)
    {
        public JobDefinition Definition { get; set; } = new()
        {
            Name = name,
            Schedule = null!,
            Target = null!,
        };

        public string? Schedule { get; set; }

        public YamlNode? ScheduleNode { get; set; }

        public bool Seconds { get; set; }

        public string? TimeZone { get; set; }

        public YamlNode? TimeZoneNode { get; set; }

        public DayMatch? DayMatch { get; set; }

        public string? Function { get; set; }

        public YamlNode? FunctionNode { get; set; }

        public string? Image { get; set; }

        public List<string>? Args { get; set; }

        public Dictionary<string, string>? Env { get; set; }

        public List<ContainerMount>? Volumes { get; set; }

        public string? Network { get; set; }

        public long? Memory { get; set; }

        public double? Cpus { get; set; }

        public long? Pids { get; set; }

        public bool? ReadOnly { get; set; }

        public long? MaxOutput { get; set; }

        public BackendKind? Backend { get; set; }

        public TimeSpan? Timeout { get; set; }

        public JobFailureWebhook? OnFailure { get; set; }

        public YamlNode? OnFailureNode { get; set; }

        public bool IsSet(string key) => key switch
        {
            "volumes" => Volumes is not null,
            "network" => Network is not null,
            "memory" => Memory is not null,
            "cpus" => Cpus is not null,
            "pids" => Pids is not null,
            "readOnly" => ReadOnly is not null,
            _ => false,
        };

        public JobDraft Set(Action<JobDraft> change)
        {
            change(this);
            return this;
        }
    }
}
