using System.CommandLine;
using ServerlessDocker.Swarm;

namespace ServerlessDocker.Cli.Commands;

/// <summary>The Swarm options of `sdock run`: --swarm / --backend, --replicas, --max-concurrent, --constraint.</summary>
internal static class RunSwarmOptions
{
    public static readonly Option<bool> Swarm = new("--swarm") { Description = "Run as a Swarm service on any node of the cluster (DOCKER_HOST, or SDOCK_SWARM_HOST, must be a Swarm manager)." };
    public static readonly Option<string> Backend = new("--backend") { Description = "Where to run: local, swarm, or auto (swarm when the engine is a Swarm manager).", DefaultValueFactory = _ => "local" };
    public static readonly Option<int?> Replicas = ValueParsers.WholeNumber("--replicas", "Fan out: run N tasks across the Swarm and print each one's output, exit code and node.", 1, "6");
    public static readonly Option<int?> MaxConcurrent = ValueParsers.WholeNumber("--max-concurrent", "With --replicas: at most M tasks at once (default: all).", 0, "2");
    public static readonly Option<string[]> Constraints = new("--constraint") { Description = "Swarm placement constraint (node.role==worker, node.hostname!=db1).", AllowMultipleArgumentsPerToken = false };

    public static IEnumerable<Option> All => [Swarm, Backend, Replicas, MaxConcurrent, Constraints];

    /// <summary>
    /// A client for the engine the options name, and the backend they ask for; nothing is contacted yet. With
    /// <c>--backend auto</c>, <paramref name="auto"/> is true and the caller asks the engine once the command is valid.
    /// </summary>
    public static DockerFunctions Connect(ParseResult parse, out bool auto)
    {
        var backend = parse.GetValue(Swarm) ? "swarm" : parse.GetValue(Backend)!.ToLowerInvariant();
        if (backend is not ("local" or "swarm" or "auto"))
        {
            throw new InvalidCommandException("--backend", $"'{backend}' is not a backend; use local, swarm or auto.");
        }

        auto = backend == "auto";
        if (backend == "local")
        {
            if (parse.GetValue(Replicas) is not null || (parse.GetValue(Constraints) ?? []).Length > 0)
            {
                throw new InvalidCommandException("--replicas", "--replicas and --constraint need the Swarm backend; add --swarm.");
            }

            return DockerFunctions.FromEnvironment();
        }

        var docker = ConnectManager();
        return backend == "swarm" ? docker.WithSwarm() : docker;
    }

    /// <summary>Connects to the Swarm manager: SDOCK_SWARM_HOST when set, else DOCKER_HOST; the TLS variables apply to either.</summary>
    public static DockerFunctions ConnectManager() =>
        // SDOCK_SWARM_HOST (written by scripts/swarm up) points at a manager without moving DOCKER_HOST off the local engine.
        DockerFunctions.Connect(DockerEndpoint.FromEnvironment(Environment.GetEnvironmentVariable("SDOCK_SWARM_HOST")));

    /// <summary>Adds the placement constraints to a Swarm-bound command.</summary>
    public static ContainerCommand Apply(ContainerCommand command, ParseResult parse)
    {
        // The scoped socket is a bind mount of a file on this machine: a task on another node would not find it.
        if (parse.GetValue(DockerAccessOption.Option) is not null)
        {
            throw new InvalidCommandException("--docker-access", "the scoped Docker socket exists only on this machine, not on the Swarm node that runs the task; drop --swarm or --docker-access.");
        }

        foreach (var c in parse.GetValue(Constraints) ?? [])
        {
            command = command.WithPlacementConstraint(c);
        }

        return command;
    }

    /// <summary>Runs the fan-out and prints each task's output (prefixed with its index and node), then a summary on stderr.</summary>
    public static async Task<int> FanOutAsync(ContainerCommand command, ParseResult parse, CancellationToken cancellationToken)
    {
        var replicas = parse.GetValue(Replicas)!.Value;
        var results = await command.RunManyAsync(replicas, parse.GetValue(MaxConcurrent) ?? 0, cancellationToken);
        foreach (var r in results)
        {
            Write(Console.Out, r, r.StandardOutput);
            Write(Console.Error, r, r.StandardError);
        }

        foreach (var r in results)
        {
            Console.Error.WriteLine($"task {r.Index} on {r.Node}: exit {r.ExitCode} ({r.RunTime.TotalSeconds:0.00}s)");
        }

        var failed = results.FirstOrDefault(r => r.ExitCode != 0);
        return failed is null ? 0 : (int)(failed.ExitCode & 0xFF);

        static void Write(TextWriter writer, FanOutResult r, string text)
        {
            if (text.Length == 0)
            {
                return;
            }

            foreach (var line in text.Split('\n').SkipLast(text.EndsWith('\n') ? 1 : 0))
            {
                writer.WriteLine($"[{r.Index}@{r.Node}] {line}");
            }
        }
    }
}
