using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Observability;
using ServerlessDocker.Gateway.Triggers.Async;
using ServerlessDocker.Gateway.Triggers.Cron;
using ServerlessDocker.Gateway.Triggers.Http;

namespace ServerlessDocker.Gateway.Http;

/// <summary>
/// The admin API under <c>/admin</c> (functions, invoke, recent calls, logs, config status), behind the admin bearer
/// token. With no admin token configured every admin call gets 401: an open admin API is never the default.
/// </summary>
internal static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin");
        admin.AddEndpointFilter(async (ctx, next) =>
        {
            var token = ctx.HttpContext.RequestServices.GetRequiredService<FunctionRouter>().Gateway.AdminToken;
            if (token is null || !BearerToken.Matches(ctx.HttpContext.Request, token))
            {
                await BearerToken.WriteUnauthorizedAsync(ctx.HttpContext, token is null ? "the admin API (disabled: set gateway.adminToken)" : "the admin API").ConfigureAwait(false);
                return Results.Empty;
            }

            return await next(ctx).ConfigureAwait(false);
        });

        admin.MapJobAdmin();

        admin.MapGet("/status", (IGatewayConfigSource config, FunctionRouter router) => Results.Json(new
        {
            functions = router.All().Count,
            configError = config.LastError,
            server = Cgi.CgiEnvironment.ServerSoftware,
        }));

        admin.MapGet("/functions", (FunctionRouter router, GatewayMetrics metrics, FunctionConcurrencyView concurrency) =>
            Results.Json(router.All().Select(f => new
            {
                name = f.Name,
                image = f.Image,
                mode = f.Mode.ToString().ToLowerInvariant(),
                backend = f.Backend.ToString().ToLowerInvariant(),
                route = f.Route,
                timeoutSeconds = f.Timeout.TotalSeconds,
                concurrency = f.Concurrency,
                queue = f.QueueLength,
                maxBody = f.MaxRequestBodyBytes,
                maxResponse = f.MaxResponseBytes,
                memory = f.MemoryBytes,
                cpus = f.Cpus,
                pids = f.PidsLimit,
                network = f.NetworkMode,
                readOnly = f.ReadOnlyRootFilesystem,
                inFlight = metrics.InFlight.WithLabels(f.Name).Value,
                queued = concurrency.Queued(f.Name),
            })));

        admin.MapPost("/functions/{name}/invoke", async (HttpContext context, string name, FunctionRouter router, FunctionRequestHandler handler) =>
        {
            if (router.Find(name, allowImageFallback: false) is not { } fn)
            {
                return Results.NotFound($"no function named '{name}'");
            }

            await handler.HandleAsync(context, fn, "/function/" + name, "", skipInvokeAuth: true).ConfigureAwait(false);
            return Results.Empty;
        });

        admin.MapGet("/calls", async (InvocationLog log, CallStore store, string? function, int? limit, CancellationToken ct) =>
        {
            var take = Math.Clamp(limit ?? 50, 1, 500);
            var asyncCalls = await store.RecentAsync(take, ct).ConfigureAwait(false);
            return Results.Json(new
            {
                calls = log.Recent(function, take).Select(Summary),
                @async = asyncCalls.Where(c => function is null || c.Function == function).Select(c => new
                {
                    id = c.Id,
                    function = c.Function,
                    status = c.Status.ToString().ToLowerInvariant(),
                    attempts = c.Attempts,
                    httpStatus = c.HttpStatus,
                    createdAt = c.CreatedAt,
                }),
            });
        });

        admin.MapGet("/calls/{id}", async (string id, InvocationLog log, CallStore store, CancellationToken ct) =>
            log.Find(id) is { } record ? Results.Json(record)
            : await store.GetAsync(id, ct).ConfigureAwait(false) is { } call ? Results.Json(AsyncEndpoints.ToView(call))
            : Results.NotFound($"no call '{id}'"));

        admin.MapGet("/logs/{function}", (string function, InvocationLog log, int? limit) =>
            Results.Text(string.Concat(log.Recent(function, Math.Clamp(limit ?? 20, 1, 200)).Reverse()
                .Where(r => r.Logs.Length > 0)
                .Select(r => $"--- {r.StartedAt:O} {r.Id} status {r.Status}\n{r.Logs}"))));
    }

    private static object Summary(InvocationRecord r) => new
    {
        id = r.Id,
        function = r.Function,
        kind = r.Kind.ToString().ToLowerInvariant(),
        method = r.Method,
        path = r.Path,
        startedAt = r.StartedAt,
        status = r.Status,
        exitCode = r.ExitCode,
        durationMs = Math.Round(r.DurationMs, 1),
        error = r.Error,
        hasLogs = r.Logs.Length > 0,
    };
}

/// <summary>Read-only view of the concurrency limiters for the admin API.</summary>
internal sealed class FunctionConcurrencyView(Execution.FunctionConcurrency concurrency)
{
    public long Queued(string function) => concurrency.Snapshot().Where(s => s.Function == function).Sum(s => s.Queued);
}
