namespace ServerlessDocker.Gateway.Configuration;

/// <summary>Where the gateway reads its current functions from; a file source swaps the config when the file changes.</summary>
internal interface IGatewayConfigSource
{
    /// <summary>The config in force.</summary>
    GatewayConfig Current { get; }

    /// <summary>Why the last reload was rejected (the running config stayed), or null.</summary>
    string? LastError { get; }
}

/// <summary>A fixed config, for apps that map functions in code.</summary>
/// <param name="config">The config.</param>
internal sealed class StaticGatewayConfigSource(GatewayConfig config) : IGatewayConfigSource
{
    /// <inheritdoc />
    public GatewayConfig Current { get; } = config;

    /// <inheritdoc />
    public string? LastError => null;
}
