using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ServerlessDocker.Proxy;

/// <summary>Reads a <see cref="ProxyPolicy"/> from YAML (camelCase keys; unknown keys are an error).</summary>
public static class ProxyPolicyLoader
{
    /// <summary>Parses YAML text; fields that are not given keep the defaults of <see cref="ProxyPolicy.Default"/>.</summary>
    /// <exception cref="InvalidDataException">The YAML is malformed or names an unknown field.</exception>
    public static ProxyPolicy Parse(string yaml)
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
            throw new InvalidDataException($"invalid proxy policy: {ex.Message}", ex);
        }

        return (document ?? new PolicyDocument()).ToPolicy();
    }

    /// <summary>Reads and parses a policy file.</summary>
    public static async Task<ProxyPolicy> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));

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
        public long? MaxBodyBytes { get; set; }
        public LimitsDocument? Limits { get; set; }
        public QuotaDocument? Quota { get; set; }

        public ProxyPolicy ToPolicy()
        {
            var d = ProxyPolicy.Default;
            var mode = Mode?.ToLowerInvariant() switch
            {
                null or "enforce" => PolicyMode.Enforce,
                "warn" => PolicyMode.Warn,
                _ => throw new InvalidDataException($"invalid proxy policy: mode must be 'enforce' or 'warn', not '{Mode}'"),
            };
            var maxDepth = MaxDepth ?? d.MaxDepth;
            if (maxDepth is < 0 or > ScopeLabels.MaxDepth)
            {
                throw new InvalidDataException($"invalid proxy policy: maxDepth must be between 0 and {ScopeLabels.MaxDepth}");
            }

            foreach (var bind in BindMounts ?? [])
            {
                if (!bind.StartsWith('/') || bind.Split('/').Any(s => s is "." or ".."))
                {
                    throw new InvalidDataException($"invalid proxy policy: bind mount root '{bind}' must be an absolute clean path");
                }
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
                MaxBodyBytes = MaxBodyBytes ?? d.MaxBodyBytes,
                Limits = Limits?.ToLimits() ?? d.Limits,
                Quota = Quota?.ToQuota() ?? d.Quota,
            };
        }
    }

    private sealed class LimitsDocument
    {
        public bool? Required { get; set; }
        public long? DefaultMemoryBytes { get; set; }
        public long? DefaultPidsLimit { get; set; }
        public double? DefaultCpus { get; set; }
        public long? MaxMemoryBytes { get; set; }
        public long? MaxPidsLimit { get; set; }
        public double? MaxCpus { get; set; }

        public ResourceLimits ToLimits()
        {
            var d = ResourceLimits.Default;
            return new ResourceLimits
            {
                Required = Required ?? d.Required,
                DefaultMemoryBytes = DefaultMemoryBytes ?? d.DefaultMemoryBytes,
                DefaultPidsLimit = DefaultPidsLimit ?? d.DefaultPidsLimit,
                DefaultCpus = DefaultCpus ?? d.DefaultCpus,
                MaxMemoryBytes = MaxMemoryBytes ?? d.MaxMemoryBytes,
                MaxPidsLimit = MaxPidsLimit ?? d.MaxPidsLimit,
                MaxCpus = MaxCpus ?? d.MaxCpus,
            };
        }
    }

    private sealed class QuotaDocument
    {
        public int? MaxContainers { get; set; }
        public long? MaxTotalMemoryBytes { get; set; }
        public long? MaxTotalPids { get; set; }
        public double? MaxTotalCpus { get; set; }

        public ScopeQuota ToQuota()
        {
            var d = ScopeQuota.Default;
            return new ScopeQuota
            {
                MaxContainers = MaxContainers ?? d.MaxContainers,
                MaxTotalMemoryBytes = MaxTotalMemoryBytes ?? d.MaxTotalMemoryBytes,
                MaxTotalPids = MaxTotalPids ?? d.MaxTotalPids,
                MaxTotalCpus = MaxTotalCpus ?? d.MaxTotalCpus,
            };
        }
    }
}
