using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.Hosting;

/// <summary>
/// The standalone gateway: Kestrel serving the functions of a functions.yaml (reloaded on change), async calls,
/// the admin API, dashboard and metrics. This is what <c>sdock serve -f functions.yaml</c> runs.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FileGatewayConfigSource _config;

    private GatewayHost(WebApplication app, FileGatewayConfigSource config, IReadOnlyList<Uri> addresses, Uri? adminAddress)
    {
        _app = app;
        _config = config;
        AdminAddress = adminAddress;
        Addresses = adminAddress is null ? addresses : [.. addresses.Where(a => a.Port != adminAddress.Port)];
    }

    /// <summary>The admin listener's address (admin API, dashboard, metrics), or null when they share <see cref="BaseAddress"/>.</summary>
    public Uri? AdminAddress { get; }

    /// <summary>The addresses functions are served on (with the real port when 0 was asked for).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first address.</summary>
    public Uri BaseAddress => Addresses[0];

    /// <summary>The functions.yaml in force (a rejected reload leaves the previous one).</summary>
    public GatewayConfig CurrentConfig => _config.Current;

    /// <summary>Why the last reload of functions.yaml was rejected (with its line), or null.</summary>
    public string? LastConfigError => _config.LastError;

    /// <summary>The config source, for the gateway's own tests.</summary>
    internal IGatewayConfigSource Config => _config;

    /// <summary>Loads the config (it must be valid), binds the address and starts serving.</summary>
    /// <param name="options">What to serve and where.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="GatewayConfigException">functions.yaml is not valid; the message names the line.</exception>
    public static async Task<GatewayHost> StartAsync(GatewayHostOptions options, CancellationToken cancellationToken = default)
    {
        var time = options.TimeProvider ?? TimeProvider.System;
        var configPath = Path.GetFullPath(options.ConfigPath);
        var configDir = Path.GetDirectoryName(configPath)!;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = configDir, Args = [] });
        builder.Logging.ClearProviders();
        if (options.ConfigureLogging is { } configureLogging)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            // Logs on stderr: stdout stays free for data, as CLI tools should keep it.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft", LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        var listeners = new BoundListeners();
        builder.WebHost.ConfigureKestrel(kestrel => AdminListener.Bind(kestrel, options.Listen, options.AdminListen, listeners));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);

        // The config is loaded before the host is built so a bad file fails the start with its line number.
        using var bootLoggerFactory = LoggerFactory.Create(b => options.ConfigureLogging?.Invoke(b));
        var config = await FileGatewayConfigSource.StartAsync(configPath, time, options.ReloadInterval,
            bootLoggerFactory.CreateLogger("ServerlessDocker.Gateway.Config"), cancellationToken).ConfigureAwait(false);
        try
        {
            builder.Services.AddSingleton(time);
            builder.Services.AddSingleton<IGatewayConfigSource>(config);
            if (options.Docker is not null)
            {
                builder.Services.AddSingleton(options.Docker);
            }

            builder.Services.AddContainerFunctions(o =>
            {
                o.StorePath = ResolveStorePath(config.Current.Gateway.StorePath, configDir);
                o.AsyncPollInterval = options.AsyncPollInterval;
            });
            builder.Services.AddJobScheduler();

            var app = builder.Build();
            if (options.AdminListen is not null)
            {
                AdminListener.UseSeparation(app);
            }

            app.MapFunctionGateway();
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A taken port or a cancelled start: release what the app holds before the caller sees the error.
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Select(a => new Uri(a)).ToList();
            return new GatewayHost(app, config, addresses, listeners.Admin is { } admin ? BoundListeners.Address(admin) : null);
        }
        catch
        {
            await config.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until the host stops (Ctrl+C, SIGTERM or <see cref="StopAsync"/>).</summary>
    /// <param name="cancellationToken">Stops waiting (the host keeps running).</param>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops serving; running calls get the shutdown timeout, then are cancelled and their containers removed.</summary>
    /// <param name="cancellationToken">Makes the stop less graceful.</param>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            await _config.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Turns <c>host:port</c>, <c>:port</c>, <c>port</c> or a URL into a Kestrel URL.</summary>
    internal static string ListenUrl(string listen)
    {
        if (listen.Contains("://", StringComparison.Ordinal))
        {
            return listen;
        }

        if (int.TryParse(listen, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return $"http://127.0.0.1:{port}";
        }

        return listen.StartsWith(':') ? $"http://0.0.0.0{listen}" : $"http://{listen}";
    }

    private static string ResolveStorePath(string? configured, string configDir) =>
        configured is null ? Path.Combine(configDir, ".sdock", "gateway.db")
        : Path.IsPathRooted(configured) ? configured
        : Path.Combine(configDir, configured);
}
