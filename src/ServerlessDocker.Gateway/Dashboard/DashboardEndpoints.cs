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
        endpoints.MapGet("/dashboard/jobs.js", () => Resource("dashboard/jobs.js", "text/javascript; charset=utf-8"));
        endpoints.MapGet("/dashboard/style.css", () => Resource("dashboard/style.css", "text/css; charset=utf-8"));
    }

    // The page shows function names, call output and logs, all attacker-influenced: app.js writes them with textContent
    // only, and this policy is the second wall (no inline or foreign script, no framing for clickjacking).
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static IResult Resource(string name, string contentType)
    {
        var stream = Assembly.GetManifestResourceStream(name);
        return stream is null ? Results.NotFound() : new SecuredResult(Results.Stream(stream, contentType));
    }

    /// <summary>Adds the dashboard's security headers to a result.</summary>
    private sealed class SecuredResult(IResult inner) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            await inner.ExecuteAsync(httpContext).ConfigureAwait(false);
        }
    }
}
