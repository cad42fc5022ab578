using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>The <c>jobs:</c> section of functions.yaml: what it accepts, and the line and advice of every refusal.</summary>
public sealed class JobConfigTests
{
    private static GatewayConfigException Refused(string yaml) => Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse(yaml));

    [Fact]
    public void AFileMayHoldOnlyJobs()
    {
        var config = GatewayConfigLoader.Parse("""
            jobs:
              cleanup:
                schedule: "@every 2s"
                image: busybox
                args: [sh, -c, "echo hi"]
                volumes: ["/tmp/out:/out", "cache:/cache:ro"]
                concurrency: forbid
                misfire: runAll
                maxCatchUp: 3
                startingDeadline: 30s
                timeout: 5m
                retry: { attempts: 3, backoff: 1s }
                history: { succeeded: 5, failed: 2, maxAge: 48h }
                memory: 64m
            """);
        Assert.Empty(config.Functions);
        var job = config.Jobs["cleanup"];
        Assert.Equal(TimeSpan.FromSeconds(2), job.Schedule.Interval);
        Assert.Equal("busybox", job.Target.Image);
        Assert.Equal(FunctionMode.Plain, job.Target.Mode);
        Assert.Equal(["sh", "-c", "echo hi"], job.Target.Arguments);
        Assert.Equal(TimeSpan.FromMinutes(5), job.Target.Timeout);
        Assert.Equal(64L * 1024 * 1024, job.Target.MemoryBytes);
        Assert.Equal(JobConcurrency.Forbid, job.Concurrency);
        Assert.Equal(MisfirePolicy.RunAll, job.Misfire);
        Assert.Equal(3, job.MaxCatchUp);
        Assert.Equal(TimeSpan.FromSeconds(30), job.StartingDeadline);
        Assert.Equal(3, job.Retry.MaxAttempts);
        Assert.Equal(new JobHistoryPolicy { Succeeded = 5, Failed = 2, MaxAge = TimeSpan.FromHours(48) }, job.History);
        Assert.Equal([ContainerMount.Bind("/tmp/out", "/out"), ContainerMount.Volume("cache", "/cache", readOnly: true)], job.Volumes);
        Assert.Equal(2, job.SourceLine);
    }

    [Fact]
    public void DefaultsAreRunOnceAllowNoRetry()
    {
        var job = GatewayConfigLoader.Parse("jobs:\n  j:\n    schedule: '0 3 * * *'\n    image: busybox\n").Jobs["j"];
        Assert.Equal(MisfirePolicy.RunOnce, job.Misfire);
        Assert.Equal(JobConcurrency.Allow, job.Concurrency);
        Assert.Null(job.StartingDeadline);
        Assert.Equal(1, job.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromHours(1), job.Target.Timeout);
        Assert.Equal("none", job.Target.NetworkMode);
        Assert.False(job.Suspend);
    }

    [Fact]
    public void AJobRunsAFunctionOfTheSameFileWithItsLimitsAndTheJobsArgs()
    {
        var config = GatewayConfigLoader.Parse("""
            jobs:
              nightly:
                schedule: "0 3 * * *"
                timeZone: Europe/Berlin
                function: report
                args: [nightly]
                env: { MODE: full }
            functions:
              report:
                image: reporter
                memory: 32m
                timeout: 10s
                env: { A: "1", MODE: quick }
            """);
        var job = config.Jobs["nightly"];
        Assert.Equal("report", job.Function);
        Assert.Equal("report", job.Target.Name);
        Assert.Equal("reporter", job.Target.Image);
        Assert.Equal(32L * 1024 * 1024, job.Target.MemoryBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), job.Target.Timeout);
        Assert.Equal(["nightly"], job.Target.Arguments);
        Assert.Equal("full", job.Target.Environment["MODE"]);
        Assert.Equal("1", job.Target.Environment["A"]);
        Assert.Equal("Europe/Berlin", job.Schedule.Zone.Id);
    }

    [Theory]
    [InlineData("schedule: '*/15 * * * * *'", 4, "seconds: true")]
    [InlineData("schedule: '0 0 13 * 5'", 4, "dayMatch: either")]
    [InlineData("schedule: '0 0 30 2 *'", 4, "can never fire")]
    [InlineData("schedule: 'CRON_TZ=Europe/Berlin 0 3 * * *'", 4, "timeZone: Europe/Berlin")]
    [InlineData("schedule: '@every 100ms'", 4, "whole number of seconds")]
    [InlineData("schedule: '61 * * * *'", 4, "not a valid cron expression")]
    [InlineData("schedule: '0 3 * * *'\n    timeZone: America/Los_Angles", 5, "America/Los_Angles")]
    [InlineData("schedule: '0 3 * * *'\n    concurrency: never", 5, "'allow'")]
    [InlineData("schedule: '0 3 * * *'\n    misfire: always", 5, "'runOnce'")]
    [InlineData("schedule: '0 3 * * *'\n    dayMatch: maybe", 5, "'either'")]
    [InlineData("schedule: '0 3 * * *'\n    startingDeadline: soon", 5, "positive duration")]
    [InlineData("schedule: '0 3 * * *'\n    maxCatchUp: 0", 5, "from 1 to 1000")]
    [InlineData("schedule: '0 3 * * *'\n    volumes: ['data']", 5, "SOURCE:TARGET")]
    [InlineData("schedule: '0 3 * * *'\n    volumes: ['data:relative']", 5, "absolute path")]
    [InlineData("schedule: '0 3 * * *'\n    history: { kept: 3 }", 5, "unknown key 'kept'")]
    [InlineData("schedule: '0 3 * * *'\n    schedual: x", 5, "unknown key 'schedual'")]
    public void BadValuesNameTheLineAndWhatToWrite(string keys, int line, string advice)
    {
        var ex = Refused($"functions: {{}}\njobs:\n  j:\n    {keys}\n    image: busybox\n");
        Assert.Contains(advice, ex.Reason, StringComparison.Ordinal);
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"functions.yaml:{line}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPiecesAreNamed()
    {
        Assert.Contains("needs a 'schedule:'", Refused("jobs:\n  j:\n    image: busybox\n").Reason, StringComparison.Ordinal);
        Assert.Contains("needs 'function: NAME'", Refused("jobs:\n  j:\n    schedule: '@daily'\n").Reason, StringComparison.Ordinal);
        var unknown = Refused("functions:\n  a:\n    image: x\njobs:\n  j:\n    schedule: '@daily'\n    function: b\n");
        Assert.Contains("function 'b', which is not defined", unknown.Reason, StringComparison.Ordinal);
        Assert.Contains("known: a", unknown.Reason, StringComparison.Ordinal);
        Assert.Equal(7, unknown.Line);
        Assert.Contains("keep one", Refused("functions:\n  a:\n    image: x\njobs:\n  j:\n    schedule: '@daily'\n    function: a\n    image: y\n").Reason, StringComparison.Ordinal);
        Assert.Contains("set it on function 'a'", Refused("functions:\n  a:\n    image: x\njobs:\n  j:\n    schedule: '@daily'\n    function: a\n    memory: 1m\n").Reason, StringComparison.Ordinal);
        Assert.Contains("job name 'Bad Name'", Refused("jobs:\n  Bad Name:\n    schedule: '@daily'\n    image: x\n").Reason, StringComparison.Ordinal);
        Assert.Contains("'jobs:'", Refused("gateway:\n  adminToken: a\n").Reason, StringComparison.Ordinal);
    }
}
