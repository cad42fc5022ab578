using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Functions;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Triggers.Http;

/// <summary>The HTTP trigger: auth and the body limit, then the invoker with the live response as its sink.</summary>
internal sealed class FunctionRequestHandler(
    FunctionInvoker invoker,
    FunctionRouter router,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<FunctionRequestHandler> logger)
{
    public async Task HandleAsync(HttpContext context, FunctionDefinition fn, string scriptName, string pathInfo, bool skipInvokeAuth)
    {
        var callId = Guid.NewGuid().ToString("N");
        context.Response.Headers["X-Call-Id"] = callId;
        var ct = context.RequestAborted;
        var startedAt = time.GetUtcNow();

        var gateway = router.Gateway;
        var authRequired = !skipInvokeAuth && gateway.InvokeToken is not null && fn.RequireAuth;
        if (authRequired && !BearerToken.Matches(context.Request, gateway.InvokeToken!))
        {
            await BearerToken.WriteUnauthorizedAsync(context, $"function '{fn.Name}'").ConfigureAwait(false);
            Rejected(fn, 401, startedAt);
            return;
        }

        var body = await RequestBody.PrepareAsync(context, fn.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        if (body.TooLarge)
        {
            // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
            context.Response.Headers.Connection = "close";
            await RejectAsync(context, 413, $"request body is larger than maxBody of function '{fn.Name}' ({fn.MaxRequestBodyBytes} bytes)").ConfigureAwait(false);
            Rejected(fn, 413, startedAt);
            return;
        }

        // The function never sees a gateway token (invoke or admin) in HTTP_AUTHORIZATION.
        var passAuthorization = !skipInvokeAuth && !(gateway.InvokeToken is not null && fn.RequireAuth);
        var invokeAuthorized = skipInvokeAuth || (gateway.InvokeToken is { } token && BearerToken.Matches(context.Request, token));
        var input = new InvocationInput(callId, CgiRequest.FromHttpContext(context), scriptName, pathInfo, body.Stream, body.Length, passAuthorization, invokeAuthorized);
        await invoker.InvokeAsync(fn, input, new HttpResponseSink(context), InvocationKind.Sync, ct).ConfigureAwait(false);
    }

    private void Rejected(FunctionDefinition fn, int status, DateTimeOffset startedAt)
    {
        metrics.Observe(fn.Name, InvocationKind.Sync, status, time.GetUtcNow() - startedAt);
        if (status == 413)
        {
            logger.LogInformation("{Function} rejected with {Status}", fn.Name, status);
        }
    }

    private static async Task RejectAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await context.Response.WriteAsync($"{status} {message}\n", context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // Client already gone.
        }
    }
}
