using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Functions;

/// <summary>
/// The one invocation pipeline every trigger (HTTP, async, and next a scheduler) calls: concurrency slot, in-flight
/// gauge, the run, local redirects, metrics and the call log, ending in one <see cref="InvocationResult"/>.
/// A trigger only prepares the input, chooses the sink and acts on the result.
/// </summary>
internal sealed class FunctionInvoker(
    IFunctionRunner runner,
    FunctionConcurrency concurrency,
    FunctionRouter router,
    GatewayMetrics metrics,
    InvocationLog log,
    TimeProvider time,
    ILogger<FunctionInvoker> logger)
{
    /// <summary>Local redirects followed for one call; the next one goes to the caller as a 302.</summary>
    public const int MaxLocalRedirects = 5;

    /// <summary>Runs <paramref name="fn"/> for one call and follows its local redirects (RFC 3875 §6.2.2).</summary>
    /// <param name="fn">The function.</param>
    /// <param name="input">The request as CGI sees it.</param>
    /// <param name="sink">Where the response goes (the live HTTP response, a buffer, ...).</param>
    /// <param name="kind">The trigger, for metrics and the call log.</param>
    /// <param name="cancellationToken">The caller's token: the client going away, or the gateway stopping.</param>
    public async Task<InvocationResult> InvokeAsync(FunctionDefinition fn, InvocationInput input, IResponseSink sink, InvocationKind kind, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        for (var redirects = 0; ; redirects++)
        {
            var result = await RunWithSlotAsync(fn, input, sink, kind, startedAt, cancellationToken).ConfigureAwait(false);
            if (result.Outcome != InvocationOutcome.LocalRedirect)
            {
                return Finish(fn, input, kind, result, startedAt);
            }

            // The gateway fetches a local redirect itself, as a GET, and returns that response; past the cap, for a
            // path no function serves, or for a function the caller may not invoke (it did not present the invoke
            // token), the caller gets the redirect instead: a redirect never grants more than an outside request has.
            var location = result.LocalRedirect!;
            var redirected = input.Request.ForLocalRedirect(location);
            if (redirects >= MaxLocalRedirects || router.Resolve(redirected.Path) is not { } target || !MayInvoke(input, target.Function))
            {
                sink.Start(302, [new("Location", location)]);
                return Finish(fn, input, kind, result with { Outcome = InvocationOutcome.Completed, StatusCode = 302, LocalRedirect = null }, startedAt);
            }

            input = input.ForLocalRedirect(redirected, target);
            fn = target.Function;
        }
    }

    private bool MayInvoke(InvocationInput input, FunctionDefinition target) =>
        router.Gateway.InvokeToken is null || !target.RequireAuth || input.InvokeAuthorized;

    private async Task<InvocationResult> RunWithSlotAsync(
        FunctionDefinition fn, InvocationInput input, IResponseSink sink, InvocationKind kind, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        using var lease = await concurrency.AcquireAsync(fn, fn.Timeout, time, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            var busy = $"function '{fn.Name}' is busy: {fn.Concurrency} call(s) running and the wait queue ({fn.QueueLength}) is full";
            await FailureResponse.WriteAsync(sink, 429, $"429 {busy}", cancellationToken, new KeyValuePair<string, string>("Retry-After", "1")).ConfigureAwait(false);
            logger.LogInformation("{Function} rejected with {Status}", fn.Name, 429);
            return new InvocationResult(InvocationOutcome.Busy, 429, null, null, busy, "", time.GetUtcNow() - startedAt);
        }

        var inFlight = metrics.InFlight.WithLabels(fn.Name);
        inFlight.Inc();
        log.Record(new InvocationRecord { Id = input.CallId, Function = fn.Name, Kind = kind, Method = input.Request.Method, Path = input.Request.Path, StartedAt = startedAt });
        try
        {
            return await runner.ExecuteAsync(fn, input, sink, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            inFlight.Dec();
        }
    }

    private InvocationResult Finish(FunctionDefinition fn, InvocationInput input, InvocationKind kind, InvocationResult result, DateTimeOffset startedAt)
    {
        metrics.Observe(fn.Name, kind, result.StatusCode, result.Duration);
        if (result.Outcome != InvocationOutcome.Busy)
        {
            log.Record(InvocationLog.From(fn, input, kind, result, startedAt));
        }

        return result;
    }
}
