using Docker.DotNet.Models;

namespace ServerlessDocker;

/// <summary>A function container as listed by <see cref="DockerFunctions.ListAsync"/>.</summary>
/// <param name="Id">The container id.</param>
/// <param name="Image">The image that was asked for.</param>
/// <param name="State">The engine's state ("running", "exited", ...).</param>
/// <param name="Status">The engine's status text ("Up 3 seconds", "Exited (0) 1 minute ago").</param>
/// <param name="Created">When it was created.</param>
/// <param name="Owner">The owning process ("host:pid").</param>
/// <param name="Detached">Whether it was started detached.</param>
/// <param name="Labels">All its labels.</param>
public sealed record FunctionContainerInfo(
    string Id, string Image, string State, string Status, DateTimeOffset Created, string? Owner, bool Detached,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>True for a run its caller keeps after it exits (label <see cref="FunctionLabels.Keep"/>).</summary>
    public bool Kept => Labels.GetValueOrDefault(FunctionLabels.Keep) == "true";

    /// <summary>True while the container runs.</summary>
    public bool Running => State is "running" or "created" or "restarting";

    /// <summary>The host directory of a warm container's agent socket (bound by the pool that made it), if any.</summary>
    internal string? WarmSocketDirectory { get; init; }

    internal static FunctionContainerInfo From(ContainerListResponse c)
    {
        var labels = c.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(c.Labels);
        return new FunctionContainerInfo(
            c.ID,
            labels.GetValueOrDefault(FunctionLabels.Image, c.Image),
            c.State,
            c.Status,
            new DateTimeOffset(DateTime.SpecifyKind(c.Created, DateTimeKind.Utc)),
            labels.GetValueOrDefault(FunctionLabels.Owner),
            labels.GetValueOrDefault(FunctionLabels.Detached) == "true",
            labels)
        {
            WarmSocketDirectory = c.Mounts?.FirstOrDefault(m => m.Type == "bind" && m.Destination == Warm.LocalWarmContainers.SocketDirectoryTarget)?.Source,
        };
    }
}
