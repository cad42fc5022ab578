using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ServerlessDocker.Gateway.Dashboard;

/// <summary>
/// Serves the dashboard: a static page (embedded in the assembly, so the gateway is one file) that polls the admin
/// API with the token the user enters. The page itself holds no data, so it needs no auth.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly Assembly Assembly = typeof(DashboardEndpoints).Assembly;

    public static void MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dashboard", () => Resource("dashboard/index.html", "text/html; charset=utf-8"));
        endpoints.MapGet("/dashboard/app.js", () => Resource("dashboard/app.js", "text/javascript; charset=utf-8"));
        endpoints.MapGet("/dashboard/style.css", () => Resource("dashboard/style.css", "text/css; charset=utf-8"));
    }

    private static IResult Resource(string name, string contentType)
    {
        var stream = Assembly.GetManifestResourceStream(name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
