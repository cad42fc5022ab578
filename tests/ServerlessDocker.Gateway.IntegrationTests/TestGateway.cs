using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Hosting;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>A real standalone gateway (Kestrel on 127.0.0.1, ephemeral port) over a temp functions.yaml.</summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private TestGateway(GatewayHost host, string directory, bool ownsDirectory, LogCollector logs)
    {
        Host = host;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Logs = logs;
        Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        AdminClient = host.AdminAddress is { } admin ? new HttpClient { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(60) } : null;
    }

    /// <summary>A client of the admin listener, when the gateway was started with one.</summary>
    public HttpClient? AdminClient { get; }

    public GatewayHost Host { get; }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "functions.yaml");

    public HttpClient Client { get; }

    public LogCollector Logs { get; }

    public static async Task<TestGateway> StartAsync(EngineFixture engine, string yaml, string? directory = null, CancellationToken cancellationToken = default, string? adminListen = null)
    {
        var owns = directory is null;
        directory ??= System.IO.Directory.CreateTempSubdirectory("sdock-gw-it-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "functions.yaml"), yaml, cancellationToken);
        var logs = new LogCollector();
        var host = await GatewayHost.StartAsync(new GatewayHostOptions
        {
            ConfigPath = Path.Combine(directory, "functions.yaml"),
            Listen = "127.0.0.1:0",
            AdminListen = adminListen,
            Docker = engine.Docker,
            ReloadInterval = TimeSpan.FromMilliseconds(200),
            AsyncPollInterval = TimeSpan.FromMilliseconds(200),
            ShutdownTimeout = TimeSpan.FromSeconds(2),
            ConfigureLogging = b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information),
        }, cancellationToken);
        return new TestGateway(host, directory, owns, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        AdminClient?.Dispose();
        await Host.DisposeAsync();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>Keeps log lines in memory so tests can assert what went to the function's log.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
