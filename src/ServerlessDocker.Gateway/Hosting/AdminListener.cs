using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ServerlessDocker.Gateway.Hosting;

/// <summary>
/// The optional second listener for the gateway's own pages (admin API, dashboard, metrics), so they never share an
/// origin with the functions the gateway serves. With it, the function listener answers 404 for those paths and the
/// admin listener serves nothing else; a connection is told apart by the listener it came in on, never by its Host.
/// </summary>
internal static class AdminListener
{
    private const string ConnectionKey = "sdock.admin-listener";

    /// <summary>Paths that belong to the gateway itself rather than to a function.</summary>
    public static bool IsGatewayPath(PathString path) =>
        path.StartsWithSegments("/admin", StringComparison.Ordinal)
        || path.StartsWithSegments("/dashboard", StringComparison.Ordinal)
        || path.StartsWithSegments("/metrics", StringComparison.Ordinal);

    /// <summary>
    /// Binds Kestrel to the function address and, when given, the admin address (marking its connections). The
    /// listeners are recorded in <paramref name="bound"/>; once started they carry the ports really bound.
    /// </summary>
    public static void Bind(KestrelServerOptions kestrel, string listen, string? adminListen, BoundListeners bound)
    {
        Listen(kestrel, listen, admin: false, o => bound.Functions = o);
        if (adminListen is not null)
        {
            Listen(kestrel, adminListen, admin: true, o => bound.Admin = o);
        }
    }

    /// <summary>Keeps gateway paths on the admin listener and function paths off it.</summary>
    public static void UseSeparation(WebApplication app) => app.Use(async (context, next) =>
    {
        var onAdmin = context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ConnectionKey) == true;
        if (onAdmin != IsGatewayPath(context.Request.Path) && context.Request.Path != "/healthz")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(onAdmin
                ? "404 the admin listener serves only /admin, /dashboard, /metrics and /healthz\n"
                : "404 the gateway's admin API, dashboard and metrics are on the admin listener\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    private static void Listen(KestrelServerOptions kestrel, string listen, bool admin, Action<ListenOptions> record)
    {
        var url = new Uri(GatewayHost.ListenUrl(listen));
        if (url.Scheme != "http")
        {
            throw new InvalidCommandException(admin ? "admin listen address" : "listen address", $"'{listen}': only http:// is served; put a TLS-terminating proxy in front for https.");
        }

        void configure(ListenOptions o)
        {
            record(o);
            if (admin)
            {
                o.Use(next => connection =>
                {
                    connection.Items[ConnectionKey] = true;
                    return next(connection);
                });
            }
        }

        if (url.Host == "localhost")
        {
            kestrel.ListenLocalhost(url.Port, configure);
        }
        else if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, url.Port, configure);
        }
        else
        {
            throw new InvalidCommandException(admin ? "admin listen address" : "listen address", string.Create(CultureInfo.InvariantCulture,
                $"'{listen}': listen on an IP address or localhost (for example 127.0.0.1:{url.Port} or :{url.Port}), not a host name."));
        }
    }
}

/// <summary>The listeners Kestrel was given; after the start their endpoints hold the ports really bound.</summary>
internal sealed class BoundListeners
{
    public ListenOptions? Functions { get; set; }

    public ListenOptions? Admin { get; set; }

    /// <summary>The URL of a started listener.</summary>
    public static Uri Address(ListenOptions listener) => listener.IPEndPoint is { } ip
        ? new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{(ip.Address.Equals(IPAddress.IPv6Loopback) ? "[::1]" : ip.Address.ToString())}:{ip.Port}/"))
        : new Uri(listener.ToString() ?? "http://localhost/");
}
