namespace ServerlessDocker;

/// <summary>Something that happened during a run; consumed by pattern matching over the subclasses.</summary>
public abstract class ContainerEvent
{
    private protected ContainerEvent()
    {
    }
}

/// <summary>The container exists and is about to start.</summary>
public sealed class StartedContainerEvent(string containerId) : ContainerEvent
{
    /// <summary>The new container's id.</summary>
    public string ContainerId { get; } = containerId;

    /// <inheritdoc />
    public override string ToString() => $"Started: {ContainerId}";
}

/// <summary>A line the container wrote to stdout (without its line break).</summary>
public sealed class StandardOutputContainerEvent(string text) : ContainerEvent
{
    /// <summary>The line.</summary>
    public string Text { get; } = text;

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A line the container wrote to stderr (without its line break).</summary>
public sealed class StandardErrorContainerEvent(string text) : ContainerEvent
{
    /// <summary>The line.</summary>
    public string Text { get; } = text;

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>The container exited.</summary>
public sealed class ExitedContainerEvent(long exitCode) : ContainerEvent
{
    /// <summary>The exit code.</summary>
    public long ExitCode { get; } = exitCode;

    /// <inheritdoc />
    public override string ToString() => $"Exited: {ExitCode}";
}
