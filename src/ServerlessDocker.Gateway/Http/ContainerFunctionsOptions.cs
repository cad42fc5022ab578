using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Http;

/// <summary>Options of <see cref="ContainerFunctionsServiceCollectionExtensions.AddContainerFunctions"/>.</summary>
public sealed class ContainerFunctionsOptions
{
    /// <summary>Functions defined in code (a functions.yaml source, when given, wins on equal names).</summary>
    public IList<FunctionDefinition> Functions { get; } = [];

    /// <summary>Gateway options used when no config source is registered.</summary>
    public GatewayOptions Gateway { get; set; } = GatewayOptions.Empty;

    /// <summary>Where asynchronous calls are stored; null keeps them in <c>.sdock/gateway.db</c> under the current directory.</summary>
    public string? StorePath { get; set; }

    /// <summary>How often the async worker looks for due calls when nothing woke it.</summary>
    public TimeSpan AsyncPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
