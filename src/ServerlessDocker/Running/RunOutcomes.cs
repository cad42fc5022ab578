namespace ServerlessDocker;

/// <summary>Why a run that threw ended.</summary>
internal enum RunOutcome
{
    /// <summary>Nothing to reclassify: the exception stands as it is.</summary>
    Failed,

    /// <summary>An input source or output target failed, and its failure is what the caller sees.</summary>
    PipeFailed,

    /// <summary>The command's timeout fired.</summary>
    TimedOut,

    /// <summary>The caller cancelled.</summary>
    Cancelled,
}

/// <summary>Sorts out timeout versus cancellation versus a failing pipe, in that order of precedence.</summary>
internal static class RunOutcomes
{
    /// <summary>Classifies an exception thrown while a run was under way.</summary>
    /// <param name="ex">What was thrown.</param>
    /// <param name="pipeFailure">The first failure of an input source or output target, if any.</param>
    /// <param name="callerCancelled">Whether the caller's token was cancelled.</param>
    /// <param name="timedOut">Whether the run's timeout fired.</param>
    public static RunOutcome Classify(Exception ex, Exception? pipeFailure, bool callerCancelled, bool timedOut)
    {
        // The caller's own cancellation wins: they asked for it, whatever else happened meanwhile.
        var interrupted = ex is OperationCanceledException or IOException;
        if (callerCancelled && interrupted)
        {
            return RunOutcome.Cancelled;
        }

        if (pipeFailure is not null && !callerCancelled && !timedOut)
        {
            return RunOutcome.PipeFailed;
        }

        if (timedOut && interrupted)
        {
            return RunOutcome.TimedOut;
        }

        return RunOutcome.Failed;
    }
}
