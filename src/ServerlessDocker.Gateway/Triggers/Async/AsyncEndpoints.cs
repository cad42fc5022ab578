using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Triggers.Http;

namespace ServerlessDocker.Gateway.Triggers.Async;

/// <summary><c>POST /async-function/{name}</c> (202 + X-Call-Id) and <c>GET /calls/{id}</c>.</summary>
internal static class AsyncEndpoints
{
    public const string CallbackHeader = "X-Callback-Url";

    public static async Task AcceptAsync(HttpContext context, string name)
    {
        var services = context.RequestServices;
        var router = services.GetRequiredService<FunctionRouter>();
        var ct = context.RequestAborted;
        if (router.Find(name, allowImageFallback: false) is not { } fn)
        {
            await WriteAsync(context, 404, $"404 no function named '{name}'\n").ConfigureAwait(false);
            return;
        }

        var gateway = router.Gateway;
        var authRequired = gateway.InvokeToken is not null && fn.RequireAuth;
        if (authRequired && !BearerToken.Matches(context.Request, gateway.InvokeToken!))
        {
            await BearerToken.WriteUnauthorizedAsync(context, $"function '{fn.Name}'").ConfigureAwait(false);
            return;
        }

        var callback = context.Request.Headers[CallbackHeader].ToString();
        if (callback.Length > 0 && CallbackPolicy.Check(callback, gateway.CallbackHosts) is { } refused)
        {
            await WriteAsync(context, 400, $"400 {CallbackHeader} {refused}\n").ConfigureAwait(false);
            return;
        }

        var body = await RequestBody.PrepareAsync(context, fn.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        if (body.TooLarge)
        {
            // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
            context.Response.Headers.Connection = "close";
            await WriteAsync(context, 413, $"413 request body is larger than maxBody of function '{fn.Name}' ({fn.MaxRequestBodyBytes} bytes)\n").ConfigureAwait(false);
            return;
        }

        byte[] bytes = [];
        if (body.Stream is not null)
        {
            using var copy = new MemoryStream();
            await body.Stream.CopyToAsync(copy, ct).ConfigureAwait(false);
            bytes = copy.ToArray();
        }

        var time = services.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        var prefix = "/async-function/" + name;
        var path = context.Request.Path.Value ?? prefix;
        var call = new AsyncCall
        {
            Id = id,
            Function = fn.Name,
            Request = CgiRequest.FromHttpContext(context),
            Body = bytes,
            ScriptName = prefix,
            PathInfo = path.Length > prefix.Length ? path[prefix.Length..] : "",
            PassAuthorization = !authRequired,
            CallbackUrl = callback.Length > 0 ? callback : null,
            CreatedAt = now,
            NextAttemptAt = now,
        };

        // Persisted before the 202: once the client has an id, a gateway restart cannot lose the call.
        await services.GetRequiredService<CallStore>().InsertAsync(call, ct).ConfigureAwait(false);
        services.GetRequiredService<AsyncCallWorker>().Wake();
        context.Response.Headers["X-Call-Id"] = id;
        context.Response.Headers.Location = "/calls/" + id;
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new { id, function = fn.Name, status = "queued" }, ct).ConfigureAwait(false);
    }

    public static async Task GetCallAsync(HttpContext context, string id)
    {
        var services = context.RequestServices;
        var gateway = services.GetRequiredService<FunctionRouter>().Gateway;

        // Results may hold what the function returned, so reading them needs the invoke (or admin) token.
        if (gateway.InvokeToken is not null && !BearerToken.Matches(context.Request, gateway.InvokeToken)
            && !(gateway.AdminToken is not null && BearerToken.Matches(context.Request, gateway.AdminToken)))
        {
            await BearerToken.WriteUnauthorizedAsync(context, "calls").ConfigureAwait(false);
            return;
        }

        var call = await services.GetRequiredService<CallStore>().GetAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (call is null)
        {
            await WriteAsync(context, 404, $"404 no asynchronous call '{id}'\n").ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(ToView(call), context.RequestAborted).ConfigureAwait(false);
    }

    internal static object ToView(AsyncCall call) => new
    {
        id = call.Id,
        function = call.Function,
        status = call.Status.ToString().ToLowerInvariant(),
        attempts = call.Attempts,
        httpStatus = call.HttpStatus,
        exitCode = call.ExitCode,
        createdAt = call.CreatedAt,
        startedAt = call.StartedAt,
        finishedAt = call.FinishedAt,
        nextAttemptAt = call.Status == AsyncCallStatus.Queued ? call.NextAttemptAt : (DateTimeOffset?)null,
        durationMs = call.DurationMs,
        error = call.Error,
        contentType = call.OutputContentType,
        output = System.Text.Encoding.UTF8.GetString(call.Output),
        stderr = call.Stderr,
        callbackUrl = call.CallbackUrl,
        callbackStatus = call.CallbackStatus,
        callbackError = call.CallbackError,
    };

    private static async Task WriteAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }
}
