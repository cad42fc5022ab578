using Docker.DotNet.Models;

namespace ServerlessDocker;

/// <summary>Maps a <see cref="ContainerCommand"/> onto the engine's create-container request.</summary>
internal static class ContainerSpecMapper
{
    public static CreateContainerParameters ToCreateParameters(
        ContainerCommand command, ContainerCreationContext context, bool attachStdin, bool detached)
    {
        var labels = new Dictionary<string, string>(command.Labels);
        foreach (var (k, v) in context.Labels)
        {
            labels[k] = v;
        }

        // The library's own labels win over anything a caller set: prune and leak checks depend on them.
        labels[FunctionLabels.Function] = "true";
        labels[FunctionLabels.Owner] = FunctionLabels.CurrentOwner;
        labels[FunctionLabels.Run] = context.RunId;
        labels[FunctionLabels.Image] = command.Image;
        if (detached)
        {
            labels[FunctionLabels.Detached] = "true";
        }

        if (!command.RemoveAfterRun)
        {
            labels[FunctionLabels.Keep] = "true";
        }

        var env = new Dictionary<string, string>(command.Environment);
        foreach (var (k, v) in context.Environment)
        {
            env[k] = v;
        }

        var mounts = ToEngineMounts(command.Mounts.Concat(context.Mounts));

        return new CreateContainerParameters
        {
            Name = command.Name!,
            Image = command.Image,
            Cmd = command.Arguments.Count == 0 ? null! : command.Arguments.ToList(),
            Entrypoint = command.Entrypoint?.ToList()!,
            Env = env.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            WorkingDir = command.WorkingDirectory!,
            User = command.User!,
            Labels = labels,
            AttachStdin = attachStdin,
            AttachStdout = !detached,
            AttachStderr = !detached,
            OpenStdin = attachStdin,
            // StdinOnce: the engine closes the container's stdin when our attach half-closes: that is the EOF.
            StdinOnce = attachStdin,
            Tty = false,
            HostConfig = new HostConfig
            {
                Memory = command.MemoryLimitBytes ?? 0,
                // Without an equal swap limit, "memory" would allow as much swap again.
                MemorySwap = command.MemoryLimitBytes ?? 0,
                NanoCPUs = command.Cpus is { } cpus ? (long)Math.Round(cpus * 1_000_000_000) : 0,
                PidsLimit = command.PidsLimit,
                NetworkMode = command.NetworkMode!,
                ReadonlyRootfs = command.ReadOnlyRootFilesystem,
                Mounts = mounts.Count == 0 ? null! : mounts,
                // Removal is the client's job, after it has read the exit code: AutoRemove races lose logs.
                AutoRemove = false,
            },
        };
    }

    /// <summary>Maps mounts onto the engine's mount model (shared by the container and the Swarm service specs).</summary>
    public static List<Mount> ToEngineMounts(IEnumerable<ContainerMount> mounts) =>
        mounts.Select(m => new Mount
        {
            Type = m.Type,
            Source = m.Type == "tmpfs" ? null! : m.Source,
            Target = m.Target,
            ReadOnly = m.ReadOnly,
        }).ToList();

    /// <summary>Splits "name:tag" / "name@digest" the way the engine's pull API wants it.</summary>
    public static (string FromImage, string Tag) SplitImage(string image)
    {
        var at = image.IndexOf('@');
        if (at >= 0)
        {
            return (image[..at], image[(at + 1)..]);
        }

        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }
}
