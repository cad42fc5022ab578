using System.Reflection;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests;

/// <summary>
/// The schema's key tables are its allow-list; these tests check each allowed key lands in a field of its own, so a
/// key can be neither allowed without a handler nor handled by another key's arm.
/// </summary>
public sealed class FunctionsYamlSchemaTests
{
    private static readonly string PolicyFile = Path.GetTempFileName();

    // A non-default sample per function key. A key added to the schema without a sample here fails the coverage test.
    private static readonly Dictionary<string, string> FunctionSamples = new(StringComparer.Ordinal)
    {
        ["image"] = "other",
        ["route"] = "/sample",
        ["mode"] = "plain",
        ["backend"] = "swarm",
        ["args"] = "[\"-v\"]",
        ["env"] = "{ A: b }",
        ["timeout"] = "7s",
        ["concurrency"] = "9",
        ["queue"] = "3",
        ["maxBody"] = "3k",
        ["maxResponse"] = "5k",
        ["memory"] = "9m",
        ["cpus"] = "0.25",
        ["pids"] = "11",
        ["network"] = "bridge",
        ["readOnly"] = "false",
        ["contentType"] = "text/csv",
        ["auth"] = "false",
        ["retry"] = "{ attempts: 7 }",
        ["dockerAccess"] = "scoped:" + PolicyFile,
        ["warm"] = "{ max: 3 }",
    };

    private static readonly Dictionary<string, string> GatewaySamples = new(StringComparer.Ordinal)
    {
        ["adminToken"] = "a",
        ["invokeToken"] = "i",
        ["store"] = "calls.db",
        ["asyncWorkers"] = "5",
        ["maxStoredOutput"] = "2k",
        ["swarmHost"] = "tcp://manager:2375",
        ["callbackHosts"] = "[\"example.org\"]",
    };

    private static readonly Dictionary<string, string> RetrySamples = new(StringComparer.Ordinal)
    {
        ["attempts"] = "7",
        ["backoff"] = "3s",
        ["maxBackoff"] = "2m",
        ["multiplier"] = "1.5",
    };

    [Fact(Timeout = 10000)]
    public void Samples_CoverEveryAllowedKey()
    {
        Assert.Equal(GatewayConfigLoader.FunctionKeys.Keys.Order(), FunctionSamples.Keys.Order());
        Assert.Equal(GatewayConfigLoader.GatewayKeys.Keys.Order(), GatewaySamples.Keys.Order());
        Assert.Equal(GatewayConfigLoader.RetryKeys.Keys.Order(), RetrySamples.Keys.Order());
        Assert.Equal(["gateway", "functions", "jobs"], GatewayConfigLoader.RootKeys.Keys);
    }

    [Fact(Timeout = 10000)]
    public void FunctionKeys_EachKeyChangesAFieldNoOtherKeyChanges()
    {
        var baseline = GatewayConfigLoader.Parse("functions:\n  f:\n    image: x\n").Functions["f"];
        var changedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, sample) in FunctionSamples)
        {
            // dockerAccess: scoped needs the local backend, so the backend sample is tried on its own.
            var yaml = key == "image" ? $"functions:\n  f:\n    image: {sample}\n" : $"functions:\n  f:\n    image: x\n    {key}: {sample}\n";
            var parsed = GatewayConfigLoader.Parse(yaml).Functions["f"];

            var changed = ChangedProperties(baseline, parsed);
            Assert.True(changed.Count > 0, $"key '{key}' changed no field");
            foreach (var property in changed)
            {
                Assert.False(changedBy.TryGetValue(property, out var other), $"keys '{other}' and '{key}' both set {property}");
                changedBy[property] = key;
            }
        }
    }

    [Fact(Timeout = 10000)]
    public void GatewayKeys_EachKeyChangesAFieldNoOtherKeyChanges() =>
        AssertDistinct(GatewayOptions.Empty, GatewaySamples, (k, v) => GatewayConfigLoader.Parse($"gateway:\n  {k}: {v}\nfunctions: {{}}\n").Gateway);

    [Fact(Timeout = 10000)]
    public void RetryKeys_EachKeyChangesAFieldNoOtherKeyChanges() =>
        AssertDistinct(RetryPolicy.Default, RetrySamples, (k, v) => GatewayConfigLoader.Parse($"functions:\n  f:\n    image: x\n    retry: {{ {k}: {v} }}\n").Functions["f"].Retry);

    private static void AssertDistinct<T>(T baseline, Dictionary<string, string> samples, Func<string, string, T> parse)
    {
        var changedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, sample) in samples)
        {
            var changed = ChangedProperties(baseline, parse(key, sample));
            Assert.True(changed.Count > 0, $"key '{key}' changed no field");
            foreach (var property in changed)
            {
                Assert.False(changedBy.TryGetValue(property, out var other), $"keys '{other}' and '{key}' both set {property}");
                changedBy[property] = key;
            }
        }
    }

    private static List<string> ChangedProperties<T>(T before, T after) =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Where(p => !Same(p.GetValue(before), p.GetValue(after)))
            .Select(p => p.Name)
            .ToList();

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (System.Collections.IEnumerable x, System.Collections.IEnumerable y) when a is not string => x.Cast<object>().SequenceEqual(y.Cast<object>()),
        _ => Equals(a, b),
    };
}
