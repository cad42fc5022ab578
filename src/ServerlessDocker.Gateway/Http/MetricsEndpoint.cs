using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Http;

/// <summary>
/// Serves the gateway's own prometheus-net registry in the Prometheus text exposition format. Open when no admin
/// token is configured; behind the admin token when one is (function names and traffic are the operator's business).
/// </summary>
internal static class MetricsEndpoint
{
    public static async Task WriteAsync(HttpContext context)
    {
        if (context.RequestServices.GetRequiredService<FunctionRouter>().Gateway.AdminToken is { } token && !BearerToken.Matches(context.Request, token))
        {
            await BearerToken.WriteUnauthorizedAsync(context, "the metrics (they need the admin token)").ConfigureAwait(false);
            return;
        }

        // Resolved per request (not MapMetrics with a registry fixed at map time): the registry belongs to this
        // gateway's service provider, and MapFunctionGateway may be mapped before the container is final.
        var metrics = context.RequestServices.GetRequiredService<GatewayMetrics>();
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
