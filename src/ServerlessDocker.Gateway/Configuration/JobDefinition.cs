using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.Configuration;

/// <summary>One scheduled job (a key under <c>jobs:</c>): when it runs, what runs, and its policies.</summary>
public sealed record JobDefinition
{
    /// <summary>The job's name (the key under <c>jobs:</c>). This field is required.</summary>
    public required string Name { get; init; }

    /// <summary>When its slots are. This field is required.</summary>
    public required JobSchedule Schedule { get; init; }

    /// <summary>
    /// What one run executes: the named function (with the job's <c>args</c>/<c>env</c>/<c>timeout</c> applied) or the
    /// inline image, as a plain-mode function definition. This field is required.
    /// </summary>
    public required FunctionDefinition Target { get; init; }

    /// <summary>The function of the same file the job runs, or null for an inline <c>image:</c>.</summary>
    public string? Function { get; init; }

    /// <summary>Mounts of an inline job (<c>volumes:</c>, compose short syntax).</summary>
    public IReadOnlyList<ContainerMount> Volumes { get; init; } = [];

    /// <summary>What happens to a slot while an earlier run still runs.</summary>
    public JobConcurrency Concurrency { get; init; } = JobConcurrency.Allow;

    /// <summary>What happens to slots seen late (after downtime, a clock jump, a suspend or a blocked run).</summary>
    public MisfirePolicy Misfire { get; init; } = MisfirePolicy.RunOnce;

    /// <summary>A slot later than this is never started (recorded as missed); null for no deadline.</summary>
    public TimeSpan? StartingDeadline { get; init; }

    /// <summary>With <see cref="MisfirePolicy.RunAll"/>: the most late slots run at once; older ones are recorded as missed.</summary>
    public int MaxCatchUp { get; init; } = 10;

    /// <summary>Attempts of one slot (default 1: no retry).</summary>
    public RetryPolicy Retry { get; init; } = new() { MaxAttempts = 1 };

    /// <summary>Whether the job is suspended: no slot starts; on resume, the misfire policy decides about the ones passed.</summary>
    public bool Suspend { get; init; }

    /// <summary>How many finished runs are kept, and for how long.</summary>
    public JobHistoryPolicy History { get; init; } = JobHistoryPolicy.Default;

    /// <summary>Where a failed or timed-out run is reported (<c>onFailure:</c>); null for nowhere.</summary>
    public JobFailureWebhook? OnFailure { get; init; }

    /// <summary>The YAML line this job was declared on (0 when built in code).</summary>
    public int SourceLine { get; init; }
}

/// <summary>A job's <c>concurrency:</c>.</summary>
public enum JobConcurrency
{
    /// <summary>Runs may overlap.</summary>
    Allow,

    /// <summary>A slot waits while a run runs; it starts late if its misfire policy and deadline still allow it.</summary>
    Forbid,

    /// <summary>The running run is stopped (recorded as replaced, its output kept), then the new slot starts.</summary>
    Replace,
}

/// <summary>A job's <c>misfire:</c>: what happens to slots seen more than the misfire threshold late.</summary>
public enum MisfirePolicy
{
    /// <summary>Late slots are recorded as missed and never run.</summary>
    Skip,

    /// <summary>The newest late slot runs once (unless a newer on-time slot covers it); older ones are missed (Kubernetes).</summary>
    RunOnce,

    /// <summary>The newest <see cref="JobDefinition.MaxCatchUp"/> late slots run; older ones are missed.</summary>
    RunAll,
}

/// <summary>A job's <c>history:</c>: finished runs kept by count (succeeded and failed apart) and age.</summary>
public sealed record JobHistoryPolicy
{
    /// <summary>10 succeeded, 10 failed, 7 days.</summary>
    public static JobHistoryPolicy Default { get; } = new();

    /// <summary>Succeeded runs kept.</summary>
    public int Succeeded { get; init; } = 10;

    /// <summary>Failed (and other non-succeeded) entries kept.</summary>
    public int Failed { get; init; } = 10;

    /// <summary>Entries older than this are removed.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);
}
