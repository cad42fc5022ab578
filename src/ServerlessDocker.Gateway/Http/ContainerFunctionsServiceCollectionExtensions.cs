using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Functions;
using ServerlessDocker.Gateway.Observability;
using ServerlessDocker.Gateway.Triggers.Async;
using ServerlessDocker.Gateway.Triggers.Http;

namespace ServerlessDocker.Gateway.Http;

/// <summary>Registers the gateway's services in any ASP.NET Core app.</summary>
public static class ContainerFunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <see cref="ContainerFunctionEndpointExtensions.MapContainerFunction"/> and
    /// <see cref="ContainerFunctionEndpointExtensions.MapFunctionGateway"/> need. Registers a <see cref="DockerFunctions"/>
    /// from the environment (DOCKER_HOST) unless one is registered already, and <see cref="TimeProvider.System"/>
    /// unless a clock is registered.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Functions and options set in code.</param>
    public static IServiceCollection AddContainerFunctions(this IServiceCollection services, Action<ContainerFunctionsOptions>? configure = null)
    {
        var options = new ContainerFunctionsOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => DockerFunctions.FromEnvironment(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IGatewayConfigSource>(_ => new StaticGatewayConfigSource(new GatewayConfig { Gateway = options.Gateway }));
        services.AddSingleton<FunctionConcurrency>();
        services.AddSingleton<FunctionRouter>();
        services.AddSingleton<FunctionConcurrencyView>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton(_ => new InvocationLog());
        services.AddSingleton<SwarmBackendProvider>();
        services.AddSingleton<ScopedAccessProvider>();
        services.AddSingleton<WarmPools>();
        services.AddSingleton<FunctionCommandFactory>();
        services.AddSingleton<IFunctionRunner, FunctionExecutor>();
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton<FunctionRequestHandler>();
        services.AddSingleton(sp =>
        {
            var path = options.StorePath ?? sp.GetRequiredService<IGatewayConfigSource>().Current.Gateway.StorePath ?? Path.Combine(".sdock", "gateway.db");
            var store = new CallStore(path);

            // Synchronous on purpose: the schema must exist before the first request, and DI factories cannot await.
            store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
            return store;
        });
        services.AddSingleton<CallbackSender>();
        services.AddSingleton<AsyncCallWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AsyncCallWorker>());
        return services;
    }
}
