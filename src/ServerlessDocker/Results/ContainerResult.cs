namespace ServerlessDocker;

/// <summary>The outcome of a function run.</summary>
public class ContainerResult
{
    /// <summary>Creates a result.</summary>
    public ContainerResult(string containerId, long exitCode, DateTimeOffset startTime, DateTimeOffset exitTime)
    {
        ContainerId = containerId;
        ExitCode = exitCode;
        StartTime = startTime;
        ExitTime = exitTime;
    }

    /// <summary>The id of the container (or Swarm task) that ran.</summary>
    public string ContainerId { get; }

    /// <summary>The exit code.</summary>
    public long ExitCode { get; }

    /// <summary>The host that ran it, when the backend spreads runs over several (a Swarm node's hostname); else null.</summary>
    public string? Node { get; init; }

    /// <summary>
    /// True when the kernel's out-of-memory killer ended the run (the exit code is then 137): the function reached its
    /// memory limit (<see cref="ContainerCommand.WithMemoryLimit"/>). Reported by the local engine; a Swarm task does
    /// not say.
    /// </summary>
    public bool OomKilled { get; init; }

    /// <summary>True when the exit code is zero.</summary>
    public bool IsSuccess => ExitCode == 0;

    /// <summary>When the run began (before the container was created).</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>When the container's exit was observed.</summary>
    public DateTimeOffset ExitTime { get; }

    /// <summary>The whole run, from create to exit.</summary>
    public TimeSpan RunTime => ExitTime - StartTime;
}
