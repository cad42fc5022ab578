namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>One history entry of a job: a run (one attempt of a slot) or a range of slots that did not run.</summary>
internal sealed record JobRunRecord
{
    /// <summary>The run id (SDOCK_RUN_ID), or a generated id for a missed or skipped range.</summary>
    public required string Id { get; init; }

    /// <summary>The job.</summary>
    public required string Job { get; init; }

    /// <summary>The slot (for a range: its oldest slot).</summary>
    public required DateTimeOffset Slot { get; init; }

    /// <summary>For a range of slots: the newest one; null for a run.</summary>
    public DateTimeOffset? SlotTo { get; init; }

    /// <summary>Slots this entry stands for (1 for a run).</summary>
    public long SlotCount { get; init; } = 1;

    /// <summary>The attempt (1 for the first).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>How it ended (or <see cref="JobRunStatus.Running"/>).</summary>
    public required JobRunStatus Status { get; init; }

    /// <summary>Why (the error, or why slots did not run).</summary>
    public string? Reason { get; init; }

    /// <summary>The container (run) name: the claim.</summary>
    public string? RunName { get; init; }

    /// <summary>When it started; null for slots that did not run.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The container's exit code.</summary>
    public long? ExitCode { get; init; }

    /// <summary>The Swarm node that ran it (its hostname); null for a run on the local engine.</summary>
    public string? Node { get; init; }

    /// <summary>The end of its stdout.</summary>
    public string? StdoutTail { get; init; }

    /// <summary>The start of its stderr (as the gateway's collector keeps it).</summary>
    public string? StderrTail { get; init; }
}
