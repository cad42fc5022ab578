namespace ServerlessDocker;

/// <summary>
/// The labels that mark everything this project creates, so leftovers can always be found and removed.
/// </summary>
public static class FunctionLabels
{
    /// <summary>Prefix of every label the project sets.</summary>
    public const string Prefix = "io.sdock.";

    /// <summary>"true" on every function container.</summary>
    public const string Function = Prefix + "function";

    /// <summary>The process that owns the run: "host:pid".</summary>
    public const string Owner = Prefix + "owner";

    /// <summary>The run's unique id.</summary>
    public const string Run = Prefix + "run";

    /// <summary>The image that was asked for.</summary>
    public const string Image = Prefix + "image";

    /// <summary>"true" on runs started detached: they outlive their owner on purpose.</summary>
    public const string Detached = Prefix + "detached";

    /// <summary>"true" on runs kept after they exit (<see cref="ContainerCommand.WithRemoveAfterRun"/> false, `sdock run
    /// --keep`): <see cref="DockerFunctions.PruneAsync"/> leaves them to be removed by name or with <c>all</c>.</summary>
    public const string Keep = Prefix + "keep";

    /// <summary>The task's position in a fan-out (<see cref="FanOut.RunManyAsync"/>).</summary>
    public const string TaskIndex = Prefix + "task.index";

    /// <summary>The owner value of this process.</summary>
    public static string CurrentOwner { get; } = $"{System.Environment.MachineName}:{System.Environment.ProcessId}";

    /// <summary>True when an owner value names a process on this machine that no longer runs.</summary>
    public static bool IsOwnerGone(string? owner)
    {
        if (owner is null)
        {
            return true;
        }

        var colon = owner.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(owner.AsSpan(colon + 1), out var pid))
        {
            return true;
        }

        if (owner[..colon] != System.Environment.MachineName)
        {
            // Another machine's process: we cannot tell, so we leave it alone.
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
