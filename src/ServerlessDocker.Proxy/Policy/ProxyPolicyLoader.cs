using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ServerlessDocker.Proxy;

/// <summary>
/// Reads a <see cref="ProxyPolicy"/> from YAML (camelCase keys; unknown keys are an error). Sizes take the core grammar
/// (<see cref="Quantities"/>): raw bytes (<c>1048576</c>) or with a unit (<c>512m</c>, <c>1g</c>, <c>1MiB</c>); durations
/// too (<c>10s</c>, <c>2m</c>, <c>1m30s</c>).
/// </summary>
public static class ProxyPolicyLoader
{
    /// <summary>Parses YAML text; fields that are not given keep the defaults of <see cref="ProxyPolicy.Default"/>.</summary>
    /// <exception cref="ProxyPolicyException">The YAML is malformed, names an unknown field or holds a bad value.</exception>
    public static ProxyPolicy Parse(string yaml) => Parse(yaml, path: null);

    /// <summary>Reads and parses a policy file.</summary>
    /// <exception cref="ProxyPolicyException">The file is malformed, names an unknown field or holds a bad value.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<ProxyPolicy> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);

    private static ProxyPolicy Parse(string yaml, string? path)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .Build();
        PolicyDocument? document;
        try
        {
            document = deserializer.Deserialize<PolicyDocument?>(yaml);
        }
        catch (YamlException ex)
        {
            throw new ProxyPolicyException(path, ex.Message, ex);
        }

        return (document ?? new PolicyDocument()).ToPolicy(new Reader(path));
    }

    /// <summary>Checks and converts field values, naming the file and the field in every error.</summary>
    private sealed class Reader(string? path)
    {
        public ProxyPolicyException Fail(string problem) => new(path, problem);

        public long? Size(string? text, string field) =>
            text is null ? null
            : Quantities.TryParseSize(text, out var value, out var problem) ? value
            : throw Fail($"{field}: {problem}");

        public double? Cpus(double? cpus, string field) =>
            cpus is not { } c || c == 0 ? cpus
            : Quantities.CheckCpus(c.ToString(System.Globalization.CultureInfo.InvariantCulture), c, out _, out var problem) ? c
            : throw Fail($"{field}: {problem}");

        public TimeSpan? Duration(string? text, string field, bool zeroAllowed = false, TimeSpan? max = null) =>
            text is null ? null
            : !Quantities.TryParseDuration(text, out var value, out var problem) ? throw Fail($"{field}: {problem}")
            : value == TimeSpan.Zero && !zeroAllowed ? throw Fail($"{field}: must be more than zero, not '{text}'")
            : max is { } limit && value > limit ? throw Fail($"{field} must be at most {limit.TotalMinutes:0}m, not '{text}'")
            : value;

        public long? NotNegative(long? value, string field) =>
            value is < 0 ? throw Fail($"{field} must not be negative, not {value}") : value;
    }

    private sealed class PolicyDocument
    {
        public string? Mode { get; set; }
        public List<string>? Images { get; set; }
        public bool? AllowPull { get; set; }
        public List<string>? Capabilities { get; set; }
        public List<string>? BindMounts { get; set; }
        public bool? AllowHostPorts { get; set; }
        public List<string>? NetworkModes { get; set; }
        public bool? AllowBuild { get; set; }
        public bool? AllowExec { get; set; }
        public bool? AllowNesting { get; set; }
        public int? MaxDepth { get; set; }
        public bool? RemoveLeftovers { get; set; }
        public string? LeftoverGrace { get; set; }
        public string? MaxBodyBytes { get; set; }
        public string? HeadTimeout { get; set; }
        public string? IdleTimeout { get; set; }
        public int? MaxConnections { get; set; }
        public LimitsDocument? Limits { get; set; }
        public QuotaDocument? Quota { get; set; }

        public ProxyPolicy ToPolicy(Reader read)
        {
            var d = ProxyPolicy.Default;
            var mode = Mode?.ToLowerInvariant() switch
            {
                null or "enforce" => PolicyMode.Enforce,
                "warn" => PolicyMode.Warn,
                _ => throw read.Fail($"mode must be 'enforce' or 'warn', not '{Mode}'"),
            };
            var maxDepth = MaxDepth ?? d.MaxDepth;
            if (maxDepth is < 0 or > ScopeLabels.MaxDepth)
            {
                throw read.Fail($"maxDepth must be between 0 and {ScopeLabels.MaxDepth}, not {maxDepth}");
            }

            foreach (var bind in BindMounts ?? [])
            {
                if (!bind.StartsWith('/') || bind.Split('/').Any(s => s is "." or ".."))
                {
                    throw read.Fail($"bind mount root '{bind}' must be an absolute clean path such as /srv/data");
                }
            }

            if (MaxConnections is < 1)
            {
                throw read.Fail($"maxConnections must be at least 1, not {MaxConnections}");
            }

            return new ProxyPolicy
            {
                Mode = mode,
                Images = Images ?? d.Images,
                AllowPull = AllowPull ?? d.AllowPull,
                Capabilities = Capabilities ?? d.Capabilities,
                BindMounts = BindMounts ?? d.BindMounts,
                AllowHostPorts = AllowHostPorts ?? d.AllowHostPorts,
                NetworkModes = NetworkModes ?? d.NetworkModes,
                AllowBuild = AllowBuild ?? d.AllowBuild,
                AllowExec = AllowExec ?? d.AllowExec,
                AllowNesting = AllowNesting ?? d.AllowNesting,
                MaxDepth = maxDepth,
                RemoveLeftovers = RemoveLeftovers ?? d.RemoveLeftovers,
                LeftoverGrace = read.Duration(LeftoverGrace, "leftoverGrace", zeroAllowed: true, max: ProxyPolicy.MaxLeftoverGrace) ?? d.LeftoverGrace,
                MaxBodyBytes = read.Size(MaxBodyBytes, "maxBodyBytes") ?? d.MaxBodyBytes,
                HeadTimeout = read.Duration(HeadTimeout, "headTimeout") ?? d.HeadTimeout,
                IdleTimeout = read.Duration(IdleTimeout, "idleTimeout") ?? d.IdleTimeout,
                MaxConnections = MaxConnections ?? d.MaxConnections,
                Limits = Limits?.ToLimits(read) ?? d.Limits,
                Quota = Quota?.ToQuota(read) ?? d.Quota,
            };
        }
    }

    private sealed class LimitsDocument
    {
        public bool? Required { get; set; }
        public string? DefaultMemoryBytes { get; set; }
        public long? DefaultPidsLimit { get; set; }
        public double? DefaultCpus { get; set; }
        public string? MaxMemoryBytes { get; set; }
        public long? MaxPidsLimit { get; set; }
        public double? MaxCpus { get; set; }

        public ResourceLimits ToLimits(Reader read)
        {
            var d = ResourceLimits.Default;
            return new ResourceLimits
            {
                Required = Required ?? d.Required,
                DefaultMemoryBytes = read.Size(DefaultMemoryBytes, "limits.defaultMemoryBytes") ?? d.DefaultMemoryBytes,
                DefaultPidsLimit = read.NotNegative(DefaultPidsLimit, "limits.defaultPidsLimit") ?? d.DefaultPidsLimit,
                DefaultCpus = read.Cpus(DefaultCpus, "limits.defaultCpus") ?? d.DefaultCpus,
                MaxMemoryBytes = read.Size(MaxMemoryBytes, "limits.maxMemoryBytes") ?? d.MaxMemoryBytes,
                MaxPidsLimit = read.NotNegative(MaxPidsLimit, "limits.maxPidsLimit") ?? d.MaxPidsLimit,
                MaxCpus = read.Cpus(MaxCpus, "limits.maxCpus") ?? d.MaxCpus,
            };
        }
    }

    private sealed class QuotaDocument
    {
        public int? MaxContainers { get; set; }
        public int? MaxNetworks { get; set; }
        public string? MaxTotalMemoryBytes { get; set; }
        public long? MaxTotalPids { get; set; }
        public double? MaxTotalCpus { get; set; }

        public ScopeQuota ToQuota(Reader read)
        {
            var d = ScopeQuota.Default;
            return new ScopeQuota
            {
                MaxContainers = MaxContainers ?? d.MaxContainers,
                MaxNetworks = (int?)read.NotNegative(MaxNetworks, "quota.maxNetworks") ?? d.MaxNetworks,
                MaxTotalMemoryBytes = read.Size(MaxTotalMemoryBytes, "quota.maxTotalMemoryBytes") ?? d.MaxTotalMemoryBytes,
                MaxTotalPids = read.NotNegative(MaxTotalPids, "quota.maxTotalPids") ?? d.MaxTotalPids,
                MaxTotalCpus = read.Cpus(MaxTotalCpus, "quota.maxTotalCpus") ?? d.MaxTotalCpus,
            };
        }
    }
}
