using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Functions;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Triggers.Async;

/// <summary>
/// The async trigger: runs stored calls through the invoker, up to <c>asyncWorkers</c> at a time, with a buffer as the
/// sink; retries failures with the function's backoff, then POSTs the result to the call's X-Callback-Url.
/// </summary>
/// <remarks>
/// Delivery is at least once: a call whose attempt a dead gateway left unfinished has that attempt counted, its
/// container removed, and runs again if its retry policy has an attempt left. A function that must not act twice uses
/// the call id (<c>X-Call-Id</c>, <c>HTTP_X_CALL_ID</c>) as its idempotency key.
/// </remarks>
internal sealed class AsyncCallWorker(
    CallStore store,
    DockerFunctions docker,
    FunctionInvoker invoker,
    FunctionRouter router,
    GatewayMetrics metrics,
    CallbackSender callbacks,
    ContainerFunctionsOptions options,
    TimeProvider time,
    ILogger<AsyncCallWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private int _running;

    /// <summary>Wakes the worker (a call was accepted or a slot was freed).</summary>
    public void Wake() => _wake.Release();

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverInterruptedAsync(stoppingToken).ConfigureAwait(false);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                running.RemoveAll(t => t.IsCompleted);
                var free = router.Gateway.AsyncWorkers - Volatile.Read(ref _running);
                if (free > 0)
                {
                    foreach (var call in await store.ClaimDueAsync(time.GetUtcNow(), free, stoppingToken).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref _running);
                        running.Add(Task.Run(() => RunCallAsync(call, stoppingToken), CancellationToken.None));
                    }
                }

                metrics.AsyncQueue.Set(await store.PendingCountAsync(stoppingToken).ConfigureAwait(false));
                await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Async worker loop failed; retrying");
                await Task.Delay(options.AsyncPollInterval, time, CancellationToken.None).ConfigureAwait(false);
            }
        }

        // Let running calls see the stop (their containers are removed) and put themselves back in the queue.
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RecoverInterruptedAsync(CancellationToken stoppingToken)
    {
        var interrupted = store.InterruptedCallIds.ToHashSet(StringComparer.Ordinal);
        if (interrupted.Count == 0)
        {
            return;
        }

        // The attempt's container outlived its gateway: remove it first, so nothing is left behind and two attempts
        // of one call never run at once.
        try
        {
            foreach (var info in await docker.ListAsync(stoppingToken).ConfigureAwait(false))
            {
                if (info.Labels.TryGetValue(GatewayLabels.Call, out var id) && interrupted.Contains(id))
                {
                    // Disposing the handle kills and removes the container.
                    var leftover = await docker.GetRunAsync(info.Id, stoppingToken).ConfigureAwait(false);
                    await leftover.DisposeAsync().ConfigureAwait(false);
                    logger.LogInformation("Async call {CallId}: removed container {Container} of its interrupted attempt", id, info.Id);
                }
            }
        }
        catch (ServerlessDockerException ex)
        {
            logger.LogWarning("Could not clear the containers of interrupted async calls: {Error}", ex.Message);
        }

        foreach (var id in interrupted)
        {
            if (await store.GetAsync(id, stoppingToken).ConfigureAwait(false) is not { } call)
            {
                continue;
            }

            var fn = router.Find(call.Function, allowImageFallback: false);
            if (fn?.Retry.NextAttemptAt(time, call.Attempts) is { } next)
            {
                await store.RequeueInterruptedAsync(id, next, stoppingToken).ConfigureAwait(false);
                logger.LogInformation("Async call {CallId}: attempt {Attempt} was interrupted; it runs again", id, call.Attempts);
                continue;
            }

            var failed = call with { Status = AsyncCallStatus.Failed, FinishedAt = time.GetUtcNow(), Error = $"{CallStore.InterruptedError}, and no attempt is left" };
            await store.SaveAttemptAsync(failed, stoppingToken).ConfigureAwait(false);
            await callbacks.DeliverAsync(failed, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        // The poll interval runs on the injected clock; a Wake() (new call, freed slot) ends the wait early.
        using var poll = new CancellationTokenSource(options.AsyncPollInterval, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, poll.Token);
        try
        {
            await _wake.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Poll interval elapsed.
        }
    }

    private async Task RunCallAsync(AsyncCall call, CancellationToken stoppingToken)
    {
        try
        {
            await RunCallCoreAsync(call, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await store.RequeueAsync(call.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            logger.LogInformation("Async call {CallId} interrupted by shutdown; queued again", call.Id);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Async call {CallId} failed unexpectedly", call.Id);
            await store.RequeueAsync(call.Id, time.GetUtcNow() + TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            Wake();
        }
    }

    private async Task RunCallCoreAsync(AsyncCall call, CancellationToken stoppingToken)
    {
        var fn = router.Find(call.Function, allowImageFallback: false);
        if (fn is null)
        {
            var gone = call with { Status = AsyncCallStatus.Failed, Attempts = call.Attempts + 1, FinishedAt = time.GetUtcNow(), HttpStatus = 404, Error = $"function '{call.Function}' is no longer configured" };
            await store.SaveAttemptAsync(gone, stoppingToken).ConfigureAwait(false);
            await callbacks.DeliverAsync(gone, stoppingToken).ConfigureAwait(false);
            return;
        }

        var sink = new BufferedResponseSink(router.Gateway.MaxStoredOutputBytes);
        var invokeAuthorized = router.Gateway.InvokeToken is { } token && BearerToken.Matches(call.Request.Headers, token);
        var input = new InvocationInput(call.Id, call.Request, call.ScriptName, call.PathInfo, call.Body.Length == 0 ? null : new MemoryStream(call.Body), call.Body.Length, call.PassAuthorization, invokeAuthorized);
        var result = await invoker.InvokeAsync(fn, input, sink, InvocationKind.Async, stoppingToken).ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
        if (result.Outcome == InvocationOutcome.Busy)
        {
            // Busy is not a failure of the call (openfaas/faas#1618): wait for a slot without spending an attempt.
            await store.RequeueAsync(call.Id, time.GetUtcNow() + TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            return;
        }

        var attempts = call.Attempts + 1;
        var failed = result.IsFailure || sink.Aborted;
        var now = time.GetUtcNow();
        var next = failed ? fn.Retry.NextAttemptAt(time, attempts) : null;
        var updated = call with
        {
            Attempts = attempts,
            Status = !failed ? AsyncCallStatus.Succeeded : next is null ? AsyncCallStatus.Failed : AsyncCallStatus.Queued,
            FinishedAt = next is not null ? null : now,
            NextAttemptAt = next ?? call.NextAttemptAt,
            HttpStatus = result.StatusCode,
            ExitCode = result.ExitCode,
            DurationMs = result.Duration.TotalMilliseconds,
            Output = sink.Body,
            OutputContentType = sink.ContentType,
            Error = result.Error ?? (failed ? $"status {result.StatusCode}" : null),
            Stderr = result.Stderr,
        };
        await store.SaveAttemptAsync(updated, CancellationToken.None).ConfigureAwait(false);
        if (next is not null)
        {
            logger.LogInformation("Async call {CallId} attempt {Attempt} failed ({Status}); next attempt at {Next:O}", call.Id, attempts, result.StatusCode, next);
            return;
        }

        await callbacks.DeliverAsync(updated, stoppingToken).ConfigureAwait(false);
    }
}
