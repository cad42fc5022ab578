using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Http;

/// <summary>Serves a synchronous call: auth, body limit, concurrency slot, run, local redirects, metrics and the call log.</summary>
internal sealed class FunctionRequestHandler(
    FunctionExecutor executor,
    FunctionConcurrency concurrency,
    FunctionRouter router,
    GatewayMetrics metrics,
    InvocationLog log,
    TimeProvider time,
    ILogger<FunctionRequestHandler> logger)
{
    private const int MaxLocalRedirects = 5;

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
            Finish(fn, 401, startedAt);
            return;
        }

        var body = await RequestBody.PrepareAsync(context, fn.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        if (body.TooLarge)
        {
            // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
            context.Response.Headers.Connection = "close";
            await RejectAsync(context, 413, $"request body is larger than maxBody of function '{fn.Name}' ({fn.MaxRequestBodyBytes} bytes)").ConfigureAwait(false);
            Finish(fn, 413, startedAt);
            return;
        }

        var request = CgiRequest.FromHttpContext(context);
        // The function never sees a gateway token (invoke or admin) in HTTP_AUTHORIZATION.
        var passAuthorization = !skipInvokeAuth && !(gateway.InvokeToken is not null && fn.RequireAuth);
        var exec = new ExecutionRequest(fn, request, scriptName, pathInfo, body.Stream, body.Length, callId, passAuthorization, InvocationKind.Sync);
        for (var hop = 0; ; hop++)
        {
            var result = await RunWithSlotAsync(context, exec, startedAt).ConfigureAwait(false);
            if (result?.LocalRedirect is not { } location)
            {
                return;
            }

            // RFC 3875 §6.2.2: the gateway fetches a local redirect itself, as a GET, and returns that response.
            var redirected = request.ForLocalRedirect(location);
            var target = router.Resolve(redirected.Path);
            if (target is null || hop >= MaxLocalRedirects)
            {
                context.Response.StatusCode = 302;
                context.Response.Headers.Location = location;
                Finish(fn, 302, startedAt);
                return;
            }

            request = redirected;
            exec = exec with { Function = target.Function, Request = redirected, ScriptName = target.ScriptName, PathInfo = target.PathInfo, Body = null, ContentLength = null };
            fn = target.Function;
        }
    }

    private async Task<ExecutionResult?> RunWithSlotAsync(HttpContext context, ExecutionRequest exec, DateTimeOffset startedAt)
    {
        var fn = exec.Function;
        using var lease = await concurrency.AcquireAsync(fn, fn.Timeout, time, context.RequestAborted).ConfigureAwait(false);
        if (lease is null)
        {
            context.Response.Headers.RetryAfter = "1";
            await RejectAsync(context, 429, $"function '{fn.Name}' is busy: {fn.Concurrency} call(s) running and the wait queue ({fn.QueueLength}) is full").ConfigureAwait(false);
            Finish(fn, 429, startedAt);
            return null;
        }

        var inFlight = metrics.InFlight.WithLabels(fn.Name);
        inFlight.Inc();
        log.Record(new InvocationRecord { Id = exec.CallId, Function = fn.Name, Kind = exec.Kind, Method = exec.Request.Method, Path = exec.Request.Path, StartedAt = startedAt });
        try
        {
            var result = await executor.ExecuteAsync(exec, new HttpResponseSink(context), context.RequestAborted).ConfigureAwait(false);
            if (result.LocalRedirect is null)
            {
                metrics.Observe(fn.Name, exec.Kind, result.StatusCode, result.Duration);
                log.Record(InvocationLog.From(exec, result, startedAt));
            }

            return result;
        }
        finally
        {
            inFlight.Dec();
        }
    }

    private void Finish(FunctionDefinition fn, int status, DateTimeOffset startedAt)
    {
        var elapsed = time.GetUtcNow() - startedAt;
        metrics.Observe(fn.Name, InvocationKind.Sync, status, elapsed);
        if (status is 413 or 429)
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
