namespace ServerlessDocker.Gateway.Configuration;

/// <summary>A validated functions.yaml: gateway options and the functions by name.</summary>
public sealed record GatewayConfig
{
    /// <summary>No functions, default options.</summary>
    public static GatewayConfig Empty { get; } = new();

    /// <summary>Gateway-wide options.</summary>
    public GatewayOptions Gateway { get; init; } = GatewayOptions.Empty;

    /// <summary>Functions by name (ordinal, case-sensitive).</summary>
    public IReadOnlyDictionary<string, FunctionDefinition> Functions { get; init; } = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);

    /// <summary>Scheduled jobs by name (the <c>jobs:</c> section).</summary>
    public IReadOnlyDictionary<string, JobDefinition> Jobs { get; init; } = new Dictionary<string, JobDefinition>(StringComparer.Ordinal);
}
