using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Http;

/// <summary>Serves the gateway's own Prometheus registry in the text exposition format.</summary>
internal static class MetricsEndpoint
{
    public static async Task WriteAsync(HttpContext context)
    {
        var metrics = context.RequestServices.GetRequiredService<GatewayMetrics>();
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}
