using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests;

public sealed class GatewayConfigLoaderTests
{
    private const string Valid = """
        gateway:
          adminToken: admin-secret
          asyncWorkers: 3
        functions:
          leftpad:
            image: leftpad
            route: /leftpad      # served at /leftpad and /leftpad/...
            mode: cgi
            timeout: 10s
            concurrency: 4
          report:
            image: sdock-test/report:1.0
            mode: plain
            args: ["--format", "json"]
            env: { LEVEL: debug }
            timeout: 500ms
            queue: 0
            maxBody: 1m
            maxResponse: 64k
            memory: 64m
            cpus: 0.5
            pids: 32
            network: bridge
            readOnly: false
            auth: false
            retry: { attempts: 5, backoff: 2s, maxBackoff: 1m }
        """;

    [Fact(Timeout = 10000)]
    public void Parse_ValidFile_AllSettingsRead()
    {
        var config = GatewayConfigLoader.Parse(Valid);

        Assert.Equal("admin-secret", config.Gateway.AdminToken);
        Assert.Equal(3, config.Gateway.AsyncWorkers);
        var leftpad = config.Functions["leftpad"];
        Assert.Equal("/leftpad", leftpad.Route);
        Assert.Equal(FunctionMode.Cgi, leftpad.Mode);
        Assert.Equal(TimeSpan.FromSeconds(10), leftpad.Timeout);
        Assert.Equal(4, leftpad.Concurrency);
        Assert.Equal("none", leftpad.NetworkMode);
        Assert.True(leftpad.ReadOnlyRootFilesystem);
        Assert.Equal(5, leftpad.SourceLine);

        var report = config.Functions["report"];
        Assert.Equal(FunctionMode.Plain, report.Mode);
        Assert.Equal(["--format", "json"], report.Arguments);
        Assert.Equal("debug", report.Environment["LEVEL"]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), report.Timeout);
        Assert.Equal(0, report.QueueLength);
        Assert.Equal(1024 * 1024, report.MaxRequestBodyBytes);
        Assert.Equal(64 * 1024, report.MaxResponseBytes);
        Assert.Equal(64L * 1024 * 1024, report.MemoryBytes);
        Assert.Equal(0.5, report.Cpus);
        Assert.Equal(32, report.PidsLimit);
        Assert.Equal("bridge", report.NetworkMode);
        Assert.False(report.ReadOnlyRootFilesystem);
        Assert.False(report.RequireAuth);
        Assert.Equal(5, report.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), report.Retry.InitialBackoff);
        Assert.Equal(TimeSpan.FromMinutes(1), report.Retry.MaxBackoff);
    }

    [Theory(Timeout = 10000)]
    [InlineData("functions:\n  f:\n    image: x\n    timout: 5s\n", 4, "unknown key 'timout'")]
    [InlineData("functions:\n  f:\n    route: /f\n", 3, "needs an 'image:'")]
    [InlineData("functions:\n  f:\n    image: x\n    timeout: soon\n", 4, "positive duration")]
    [InlineData("functions:\n  f:\n    image: x\n    mode: fastcgi\n", 4, "mode 'fastcgi' is not known")]
    [InlineData("functions:\n  f:\n    image: x\n    concurrency: 0\n", 4, "whole number from 1")]
    [InlineData("functions:\n  f:\n    image: x\n    route: leftpad\n", 4, "must start with '/'")]
    [InlineData("functions:\n  f:\n    image: x\n    route: /admin\n", 4, "reserved")]
    [InlineData("functions:\n  a:\n    image: x\n    route: /r\n  b:\n    image: y\n    route: /r\n", 6, "already used by function 'a'")]
    [InlineData("functions:\n  Bad_Name:\n    image: x\n", 2, "must be lowercase")]
    [InlineData("functions:\n  f:\n    image: x\n    maxBody: lots\n", 4, "positive size")]
    [InlineData("gateway:\n  adminToken: a\n", 1, "missing 'functions:'")]
    [InlineData("functions:\n  f:\n    image: [x\n", 4, "")]
    [InlineData("functions:\n  f: {image: x}\n  f2:\n   image: y\n    mode: cgi\n", 5, "")]
    [InlineData("functions:\n  f:\n    image: x\n    image: y\n", 4, "")]
    public void Parse_BadFile_ErrorNamesLine(string yaml, int line, string reason)
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse(yaml, "functions.yaml"));

        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"functions.yaml:{line}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public void Parse_EmptyFile_Rejected()
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse(""));

        Assert.Equal(1, ex.Line);
    }

    [Fact(Timeout = 10000)]
    public void Parse_TokenFromEnvironment_Expanded()
    {
        var name = "SDOCK_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-env");
        try
        {
            var config = GatewayConfigLoader.Parse($"gateway:\n  invokeToken: ${{{name}}}\nfunctions: {{}}\n");

            Assert.Equal("from-env", config.Gateway.InvokeToken);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact(Timeout = 10000)]
    public void Parse_UnsetTokenVariable_ErrorNamesLine()
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfigLoader.Parse("gateway:\n  adminToken: ${SDOCK_SURELY_UNSET_VAR}\nfunctions: {}\n"));

        Assert.Equal(2, ex.Line);
        Assert.Contains("SDOCK_SURELY_UNSET_VAR", ex.Reason, StringComparison.Ordinal);
    }
}
