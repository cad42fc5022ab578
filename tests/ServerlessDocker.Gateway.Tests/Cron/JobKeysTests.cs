using System.Globalization;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>Every key the job table allows has a sample here, parses, and changes what the job means.</summary>
public sealed class JobKeysTests
{
    private static readonly Dictionary<string, string> Samples = new(StringComparer.Ordinal)
    {
        ["schedule"] = "'*/5 * * * *'",
        ["seconds"] = "true", // with a 6-field schedule, below
        ["timeZone"] = "Europe/Berlin",
        ["dayMatch"] = "both", // with a schedule that sets both days, below
        ["function"] = "f",
        ["image"] = "other",
        ["args"] = "[a]",
        ["env"] = "{ A: b }",
        ["volumes"] = "['/tmp:/tmp']",
        ["network"] = "bridge",
        ["memory"] = "9m",
        ["cpus"] = "0.5",
        ["pids"] = "7",
        ["readOnly"] = "false",
        ["maxOutput"] = "1k",
        ["backend"] = "swarm",
        ["concurrency"] = "forbid",
        ["misfire"] = "skip",
        ["startingDeadline"] = "9s",
        ["maxCatchUp"] = "4",
        ["timeout"] = "3s",
        ["retry"] = "{ attempts: 2 }",
        ["suspend"] = "true",
        ["history"] = "{ succeeded: 1 }",
        ["onFailure"] = "{ url: 'http://h/x', secret: s }",
    };

    [Fact]
    public void SamplesCoverEveryAllowedKey() =>
        Assert.Equal(JobConfigReader.JobKeys.Keys.Order(), Samples.Keys.Order());

    [Fact]
    public void EachKeyChangesTheJob()
    {
        var baseline = Describe(Parse("schedule: '0 3 * * *'\n    image: x"));
        foreach (var (key, sample) in Samples)
        {
            var lines = key switch
            {
                "schedule" => $"schedule: {sample}\n    image: x",
                "seconds" => $"schedule: '0 0 3 * * *'\n    seconds: {sample}\n    image: x",
                "dayMatch" => $"schedule: '0 3 13 * 5'\n    dayMatch: {sample}\n    image: x",
                "image" => $"schedule: '0 3 * * *'\n    image: {sample}",
                "function" => $"schedule: '0 3 * * *'\n    function: {sample}",
                _ => $"schedule: '0 3 * * *'\n    image: x\n    {key}: {sample}",
            };
            Assert.NotEqual(baseline, Describe(Parse(lines)));
        }
    }

    private static JobDefinition Parse(string lines) =>
        GatewayConfigLoader.Parse($"gateway:\n  callbackHosts: [h]\nfunctions:\n  f:\n    image: fimg\njobs:\n  j:\n    {lines}\n").Jobs["j"];

    private static string Describe(JobDefinition j) => string.Join('|',
        j.Schedule.Fingerprint, j.Function, j.Target.Image, string.Join(',', j.Target.Arguments), string.Join(',', j.Target.Environment),
        string.Join(',', j.Volumes), j.Target.NetworkMode, j.Target.MemoryBytes, j.Target.Cpus?.ToString(CultureInfo.InvariantCulture), j.Target.PidsLimit,
        j.Target.ReadOnlyRootFilesystem, j.Target.MaxResponseBytes, j.Target.Backend, j.Concurrency, j.Misfire, j.StartingDeadline, j.MaxCatchUp,
        j.Target.Timeout, j.Retry, j.Suspend, j.History, j.OnFailure);
}
