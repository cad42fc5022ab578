namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>How a slot of a job ended, as the history records it.</summary>
internal enum JobRunStatus
{
    /// <summary>Started and not finished yet.</summary>
    Running,

    /// <summary>Exited 0.</summary>
    Succeeded,

    /// <summary>Exited non-zero, or could not run (image missing, engine error), after its last attempt.</summary>
    Failed,

    /// <summary>Stopped by its timeout.</summary>
    TimedOut,

    /// <summary>Stopped because a newer slot replaced it (concurrency: replace); its output is kept.</summary>
    Replaced,

    /// <summary>Not run: blocked by a running run, or superseded by a newer slot.</summary>
    Skipped,

    /// <summary>Not run: seen too late (downtime, clock jump, suspend) for its misfire policy or deadline.</summary>
    Missed,

    /// <summary>Another scheduler claimed the slot (its run name was taken): it runs there, not here.</summary>
    Claimed,

    /// <summary>The gateway stopped while it ran (SIGTERM) and the run outlived the grace: its container was stopped, its output kept.</summary>
    Cancelled,
}
