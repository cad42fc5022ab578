namespace ServerlessDocker.Gateway.Configuration;

/// <summary>Gateway-wide settings (the <c>gateway:</c> section of functions.yaml).</summary>
public sealed record GatewayOptions
{
    /// <summary>Defaults: no tokens, store next to the config file, 2 async workers.</summary>
    public static GatewayOptions Empty { get; } = new();

    /// <summary>Bearer token of the admin API and dashboard data; when null the admin API is disabled (401).</summary>
    public string? AdminToken { get; init; }

    /// <summary>Bearer token required to invoke functions; null leaves invocation open.</summary>
    public string? InvokeToken { get; init; }

    /// <summary>SQLite file holding asynchronous calls; null for <c>.sdock/gateway.db</c> next to the config file.</summary>
    public string? StorePath { get; init; }

    /// <summary>Engine of the Swarm manager that runs <c>backend: swarm</c> functions (DOCKER_HOST syntax); null for the gateway's own engine.</summary>
    public string? SwarmHost { get; init; }

    /// <summary>Asynchronous calls run at the same time across all functions.</summary>
    public int AsyncWorkers { get; init; } = 2;

    /// <summary>Largest stdout/stderr kept per asynchronous call in the store.</summary>
    public long MaxStoredOutputBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Hosts (<c>host</c> or <c>host:port</c>; <c>*</c> for any) that an <c>X-Callback-Url</c> may point at. Empty (the
    /// default): callbacks are refused, since a client-chosen URL would make the gateway POST into its own network (SSRF).
    /// </summary>
    public IReadOnlyList<string> CallbackHosts { get; init; } = [];
}
