using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Http;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>Registers the cron trigger (the <c>jobs:</c> of functions.yaml) beside the gateway's other services.</summary>
internal static class JobSchedulerServiceCollectionExtensions
{
    /// <summary>Adds the job store (the gateway's SQLite file), the claims, metrics and the scheduler loop.</summary>
    public static IServiceCollection AddJobScheduler(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ContainerFunctionsOptions>();
            var path = options.StorePath ?? sp.GetRequiredService<IGatewayConfigSource>().Current.Gateway.StorePath ?? Path.Combine(".sdock", "gateway.db");
            var store = new JobStore(path);

            // Synchronous on purpose (as the call store): the tables must exist before the admin API's first request.
            store.InitializeAsync(sp.GetRequiredService<TimeProvider>().GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
            return store;
        });
        services.AddSingleton<JobClaims>();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<JobWebhooks>();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<JobScheduler>());
        return services;
    }
}
