using Microsoft.Extensions.Logging;

namespace ServerlessDocker.Gateway.Hosting;

/// <summary>Options of the standalone gateway (<c>sdock serve</c>).</summary>
public sealed record GatewayHostOptions
{
    /// <summary>Path of functions.yaml. This field is required.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Where to listen: <c>host:port</c>, <c>:port</c>, <c>port</c> or a URL. Port 0 picks a free port.</summary>
    public string Listen { get; init; } = "127.0.0.1:8080";

    /// <summary>
    /// Where the admin API, dashboard and metrics listen, apart from the functions (same forms as <see cref="Listen"/>);
    /// null serves them on <see cref="Listen"/>. With it they are not served on <see cref="Listen"/> at all.
    /// </summary>
    public string? AdminListen { get; init; }

    /// <summary>How often functions.yaml is checked for changes.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the async worker looks for due calls when nothing woke it.</summary>
    public TimeSpan AsyncPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a stop waits for running calls before cancelling them (their containers are removed).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>The engine connection to use (not disposed by the host); one from DOCKER_HOST when null.</summary>
    public DockerFunctions? Docker { get; init; }

    /// <summary>Replaces the default logging (console, on stderr).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
