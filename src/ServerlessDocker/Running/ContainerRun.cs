using System.Runtime.ExceptionServices;

namespace ServerlessDocker;

/// <summary>
/// The one lifecycle of a run, whatever the backend: validate, hooks, create, run to exit (or start detached),
/// sort out why it ended, validate the result, and always stop what was abandoned, remove it and clean up.
/// </summary>
/// <remarks>
/// The backend only creates, streams, waits, stops and removes (<see cref="IFunctionBackend"/>,
/// <see cref="IFunctionRun"/>). Everything a caller can observe about failure — which exception, with which
/// output — is decided here, once.
/// </remarks>
internal static class ContainerRun
{
    /// <summary>Runs the command to completion.</summary>
    /// <param name="command">The command.</param>
    /// <param name="onCreated">Called once with the container (or task) id, as soon as it exists.</param>
    /// <param name="fullOutput">When the output is also collected in full, what a <see cref="ContainerExitException"/>
    /// should carry instead of the tails.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static async Task<ContainerResult> ExecuteAsync(
        ContainerCommand command, Action<string>? onCreated, Func<(string StandardOutput, string StandardError)>? fullOutput,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var backend = command.Backend;
        CommandChecks.Validate(command);
        backend.Validate(command, detached: false);
        var time = backend.Time;
        var startTime = time.GetUtcNow();
        using var timeoutCts = command.Timeout is { } timeout ? new CancellationTokenSource(timeout, time) : new CancellationTokenSource();
        // Cancelled by the caller, the timeout, or a failing pipe: each stops and removes the run.
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var token = runCts.Token;
        var context = new FunctionRunContext(command, NewRunId(), detached: false, onCreated, runCts);
        IReadOnlyList<IAsyncDisposable> cleanups = [];
        IFunctionRun? run = null;
        try
        {
            cleanups = await context.Creation.RunHooksAsync(token).ConfigureAwait(false);
            run = await backend.CreateRunAsync(context, token).ConfigureAwait(false);
            var exit = await run.RunToExitAsync(token).ConfigureAwait(false);
            await context.CompleteOutputAsync().ConfigureAwait(false);
            if (context.PipeFailure is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            var id = context.ReportedId ?? run.Id;
            var result = new ContainerResult(id, exit.ExitCode, startTime, time.GetUtcNow()) { Node = exit.Node, OomKilled = exit.OomKilled };
            if (result.ExitCode != 0 && command.Validation == ResultValidation.ZeroExitCode)
            {
                var (stdout, stderr) = fullOutput?.Invoke() ?? (context.StandardOutputTail, context.StandardErrorTail);
                throw new ContainerExitException(command.Image, command.Arguments, id, result.ExitCode, stdout, stderr,
                    outputIsTail: fullOutput is null);
            }

            return result;
        }
        catch (Exception ex) when (ex is not ContainerExitException || ReferenceEquals(ex, context.PipeFailure))
        {
            if (run is not null)
            {
                // An output target that failed (a reader gone: `| head -1`, the next stage of a pipe exited) is
                // SIGPIPE for a container: nobody can take its output any more, so it gets no grace period.
                await run.StopAsync(context.PipeFailure is null ? command.StopGracePeriod : TimeSpan.Zero).ConfigureAwait(false);
            }

            var outcome = RunOutcomes.Classify(ex, context.PipeFailure, cancellationToken.IsCancellationRequested, timeoutCts.IsCancellationRequested);
            throw outcome switch
            {
                RunOutcome.PipeFailed => Rethrow(context.PipeFailure!),
                RunOutcome.TimedOut => new ContainerTimeoutException(command.Image, context.ReportedId ?? run?.Id, command.Timeout!.Value),
                RunOutcome.Cancelled => new OperationCanceledException(
                    run is null ? "The run was cancelled before its container was created." : "The run was cancelled; its container was stopped and removed.",
                    ex, cancellationToken),
                _ => Rethrow(ex),
            };
        }
        finally
        {
            await context.AbandonOutputAsync().ConfigureAwait(false);
            if (run is not null)
            {
                await Cleanups.DisposeQuietlyAsync(run).ConfigureAwait(false);
            }

            await Cleanups.DisposeQuietlyAsync(cleanups).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the command in the background; the returned handle owns the run and its hooks' cleanups.</summary>
    public static async Task<DetachedRun> StartDetachedAsync(ContainerCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!command.StandardInputPipe.IsNull)
        {
            throw new InvalidCommandException("stdin",
                "a detached run has no stdin; use ExecuteAsync to feed input, or pass data through arguments or environment.");
        }

        if (command.Timeout is not null)
        {
            throw new InvalidCommandException("timeout",
                "a detached run is not watched once it has started, so a timeout could not be enforced; run it attached " +
                "(ExecuteAsync, or sdock run without -d), or stop it yourself with KillAsync (sdock kill).");
        }

        var backend = command.Backend;
        CommandChecks.Validate(command);
        backend.Validate(command, detached: true);
        var context = new FunctionRunContext(command, NewRunId(), detached: true, onCreated: null, runCts: null);
        var cleanups = await context.Creation.RunHooksAsync(cancellationToken).ConfigureAwait(false);
        IFunctionRun? run = null;
        try
        {
            run = await backend.CreateRunAsync(context, cancellationToken).ConfigureAwait(false);
            var handle = await run.StartDetachedAsync(cancellationToken).ConfigureAwait(false);
            handle.AddCleanups(cleanups);
            return handle;
        }
        catch
        {
            if (run is not null)
            {
                await run.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
                await Cleanups.DisposeQuietlyAsync(run).ConfigureAwait(false);
            }

            await Cleanups.DisposeQuietlyAsync(cleanups).ConfigureAwait(false);
            throw;
        }
    }

    private static string NewRunId() => Guid.NewGuid().ToString("N");

    private static Exception Rethrow(Exception ex)
    {
        ExceptionDispatchInfo.Throw(ex);
        return ex;
    }
}
