using Docker.DotNet.Models;

namespace ServerlessDocker.Swarm;

/// <summary>Maps a <see cref="ContainerCommand"/> and <see cref="SwarmOptions"/> onto a Swarm service spec.</summary>
/// <remarks>
/// A run is a <c>replicated</c> service with one replica and restart condition <c>none</c>. Not a
/// <c>replicated-job</c>: on Engine 20.10 a job re-runs failed tasks even with restart condition none (measured: a
/// task exiting 3 was started again about every second until the service was removed), so a failing function
/// with side effects would run many times. A replicated service with restart condition none runs its task exactly once.
/// </remarks>
internal static class SwarmServiceSpecMapper
{
    public static ServiceSpec ToServiceSpec(
        ContainerCommand command, SwarmOptions options, ContainerCreationContext context, bool detached,
        IList<SecretReference> secrets, IList<SwarmConfigReference> configs)
    {
        var ownLabels = SwarmLabels.For(context.RunId, command.Image, detached);
        var containerLabels = Merge(command.Labels, context.Labels, ownLabels);
        var serviceLabels = Merge(command.Labels, options.ServiceLabels, context.Labels, ownLabels);

        var env = Merge(command.Environment, context.Environment);
        var mounts = ContainerSpecMapper.ToEngineMounts(command.Mounts.Concat(context.Mounts));

        var networks = options.Networks.ToList();
        // "default"/"bridge" is what a task gets anyway; anything else is a network to attach to.
        if (command.NetworkMode is { Length: > 0 } mode && mode is not ("default" or "bridge") && !networks.Contains(mode))
        {
            networks.Add(mode);
        }

        return new ServiceSpec
        {
            Name = command.Name ?? "sdock-" + context.RunId[..12],
            Labels = serviceLabels,
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec
                {
                    Image = command.Image,
                    Command = command.Entrypoint?.ToList()!,
                    Args = command.Arguments.Count == 0 ? null! : command.Arguments.ToList(),
                    Env = env.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
                    Dir = command.WorkingDirectory!,
                    User = command.User!,
                    Labels = containerLabels,
                    ReadOnly = command.ReadOnlyRootFilesystem,
                    Mounts = mounts.Count == 0 ? null! : mounts,
                    StopGracePeriod = command.StopGracePeriod,
                    Secrets = secrets.Count == 0 ? null! : secrets,
                    Configs = configs.Count == 0 ? null! : configs,
                    TTY = false,
                    OpenStdin = false,
                },
                Resources = ToResources(command, options),
                RestartPolicy = new SwarmRestartPolicy { Condition = "none", MaxAttempts = 0 },
                Placement = new Placement
                {
                    Constraints = options.Constraints.Count == 0 ? null! : options.Constraints.ToList(),
                    Preferences = options.SpreadOver.Count == 0
                        ? null!
                        : options.SpreadOver.Select(s => new PlacementPreference { Spread = new SpreadOver { SpreadDescriptor = s } }).ToList(),
                },
                Networks = networks.Count == 0 ? null! : networks.Select(n => new NetworkAttachmentConfig { Target = n }).ToList(),
            },
        };
    }

    private static ResourceRequirements? ToResources(ContainerCommand command, SwarmOptions options)
    {
        SwarmLimit? limits = command.MemoryLimitBytes is null && command.Cpus is null && command.PidsLimit is null
            ? null
            : new SwarmLimit
            {
                MemoryBytes = command.MemoryLimitBytes,
                NanoCPUs = command.Cpus is { } c ? (long)Math.Round(c * 1_000_000_000) : null,
                Pids = command.PidsLimit,
            };
        SwarmResources? reservations = options.CpuReservation is null && options.MemoryReservationBytes is null
            ? null
            : new SwarmResources
            {
                NanoCPUs = options.CpuReservation is { } r ? (long)Math.Round(r * 1_000_000_000) : null,
                MemoryBytes = options.MemoryReservationBytes,
            };
        return limits is null && reservations is null ? null : new ResourceRequirements { Limits = limits!, Reservations = reservations! };
    }

    private static Dictionary<string, string> Merge(params IEnumerable<IEnumerable<KeyValuePair<string, string>>> sources)
    {
        var merged = new Dictionary<string, string>();
        foreach (var source in sources)
        {
            foreach (var (k, v) in source)
            {
                merged[k] = v;
            }
        }

        return merged;
    }
}
