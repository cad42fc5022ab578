using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDocker.Gateway.Dashboard;
using ServerlessDocker.Gateway.Triggers.Async;
using ServerlessDocker.Gateway.Triggers.Http;

namespace ServerlessDocker.Gateway.Http;

/// <summary>Maps container functions onto an ASP.NET Core app's routes.</summary>
public static class ContainerFunctionEndpointExtensions
{
    /// <summary>
    /// Serves <paramref name="pattern"/> with a container per request. The function is looked up by name among the
    /// functions registered with <see cref="ContainerFunctionsServiceCollectionExtensions.AddContainerFunctions"/>;
    /// when none has that name, the name is taken as an image run in CGI mode with default limits.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">A route pattern, usually with a catch-all that becomes PATH_INFO: <c>/leftpad/{**path}</c>.</param>
    /// <param name="function">The function's name (or image).</param>
    /// <returns>The endpoint, for further conventions (auth policies, rate limiting, ...).</returns>
    public static IEndpointConventionBuilder MapContainerFunction(this IEndpointRouteBuilder endpoints, string pattern, string function)
    {
        var parsed = RoutePatternFactory.Parse(pattern);
        var catchAll = parsed.Parameters.FirstOrDefault(p => p.IsCatchAll)?.Name;
        var literalPrefix = LiteralPrefix(parsed);
        var router = endpoints.ServiceProvider.GetRequiredService<FunctionRouter>();
        if (literalPrefix.Length > 1)
        {
            router.AddMappedPrefix(literalPrefix, function);
        }

        return endpoints.Map(pattern, async context =>
        {
            var fn = router.Find(function, allowImageFallback: true)!;
            var path = context.Request.PathBase + context.Request.Path;
            var rest = catchAll is not null && context.Request.RouteValues.TryGetValue(catchAll, out var v) && v is string s && s.Length > 0 ? "/" + s : "";

            // SCRIPT_NAME + PATH_INFO = the request path, as RFC 3875 §4.1.13 wants.
            var scriptName = rest.Length > 0 && path.Value!.EndsWith(rest, StringComparison.Ordinal) ? path.Value[..^rest.Length] : path.Value!;
            var handler = context.RequestServices.GetRequiredService<FunctionRequestHandler>();
            await handler.HandleAsync(context, fn, scriptName.TrimEnd('/'), rest, skipInvokeAuth: false).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Maps the standalone gateway: <c>/function/{name}/...</c>, each function's <c>route:</c>,
    /// <c>POST /async-function/{name}</c>, <c>GET /calls/{id}</c>, the admin API under <c>/admin</c>, the dashboard at
    /// <c>/dashboard</c>, <c>/metrics</c> and <c>/healthz</c>. Unknown paths get 404.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    public static IEndpointRouteBuilder MapFunctionGateway(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/metrics", MetricsEndpoint.WriteAsync);
        endpoints.MapGet("/", () => Results.Redirect("/dashboard"));
        endpoints.Map("/function/{name}/{**path}", async (HttpContext context, string name) => await ServeByPathAsync(context).ConfigureAwait(false));
        endpoints.MapPost("/async-function/{name}/{**path}", AsyncEndpoints.AcceptAsync);
        endpoints.MapGet("/calls/{id}", AsyncEndpoints.GetCallAsync);
        endpoints.MapAdminApi();
        endpoints.MapDashboard();

        // Function routes come from a file that can change at run time, so they are resolved per request, not mapped.
        endpoints.MapFallback(ServeByPathAsync);
        return endpoints;
    }

    private static async Task ServeByPathAsync(HttpContext context)
    {
        var router = context.RequestServices.GetRequiredService<FunctionRouter>();
        var path = (context.Request.PathBase + context.Request.Path).Value ?? "/";
        if (router.Resolve(path) is not { } match)
        {
            // The path is echoed back: plain text, never sniffed as HTML (GET /%3Cscript%3E... would be reflected XSS).
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await context.Response.WriteAsync($"404 no function is served at '{path}'\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var handler = context.RequestServices.GetRequiredService<FunctionRequestHandler>();
        await handler.HandleAsync(context, match.Function, match.ScriptName, match.PathInfo, skipInvokeAuth: false).ConfigureAwait(false);
    }

    private static string LiteralPrefix(RoutePattern pattern)
    {
        var parts = new List<string>();
        foreach (var segment in pattern.PathSegments)
        {
            if (!segment.IsSimple || segment.Parts[0] is not RoutePatternLiteralPart literal)
            {
                break;
            }

            parts.Add(literal.Content);
        }

        return "/" + string.Join('/', parts);
    }
}
