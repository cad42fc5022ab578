namespace ServerlessDocker.Swarm;

/// <summary>The outcome of one task of a fan-out (<see cref="SwarmBackend.RunManyAsync"/>).</summary>
public sealed class SwarmTaskResult
{
    internal SwarmTaskResult(int index, SwarmTaskOutcome outcome, string standardOutput, string standardError)
    {
        Index = index;
        TaskId = outcome.TaskId;
        ServiceId = outcome.ServiceId;
        NodeId = outcome.NodeId;
        NodeHostname = outcome.NodeHostname;
        ExitCode = outcome.ExitCode;
        StartTime = outcome.StartTime;
        ExitTime = outcome.ExitTime;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    /// <summary>The task's position, 0 to replicas-1 (the task also sees it as <c>SDOCK_TASK_INDEX</c>).</summary>
    public int Index { get; }

    /// <summary>The Swarm task id.</summary>
    public string TaskId { get; }

    /// <summary>The service that ran the task (already removed).</summary>
    public string ServiceId { get; }

    /// <summary>The id of the node the task ran on.</summary>
    public string NodeId { get; }

    /// <summary>The hostname of the node the task ran on.</summary>
    public string NodeHostname { get; }

    /// <summary>The exit code.</summary>
    public long ExitCode { get; }

    /// <summary>True when the exit code is zero.</summary>
    public bool IsSuccess => ExitCode == 0;

    /// <summary>Everything the task wrote to stdout.</summary>
    public string StandardOutput { get; }

    /// <summary>Everything the task wrote to stderr.</summary>
    public string StandardError { get; }

    /// <summary>When the service was about to be created.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>When the task's exit was observed.</summary>
    public DateTimeOffset ExitTime { get; }

    /// <summary>From service creation to observed exit.</summary>
    public TimeSpan RunTime => ExitTime - StartTime;
}

/// <summary>What the backend learned about a finished task.</summary>
internal sealed record SwarmTaskOutcome(
    string ServiceId, string TaskId, string NodeId, string NodeHostname, long ExitCode, DateTimeOffset StartTime, DateTimeOffset ExitTime);
