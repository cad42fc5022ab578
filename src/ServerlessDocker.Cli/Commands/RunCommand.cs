using System.CommandLine;
using ServerlessDocker.Swarm;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock run`: runs an image as a function; stdout, stderr and the exit code are the container's.</summary>
internal static class RunCommand
{
    private static readonly Option<bool> Interactive = new("--interactive", "-i") { Description = "Pipe sdock's stdin into the container (EOF included)." };
    private static readonly Option<bool> Detach = new("--detach", "-d") { Description = "Start in the background and print the container id." };
    private static readonly Option<string?> Timeout = new("--timeout") { Description = "Stop and remove the container after this long (30s, 1m30s, 500ms)." };
    private static readonly Option<string[]> Env = new("--env", "-e") { Description = "Set an environment variable (NAME=VALUE, or NAME to copy sdock's own).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Memory = new("--memory", "-m") { Description = "Memory limit (64m, 1g)." };
    private static readonly Option<string?> Cpus = new("--cpus") { Description = "CPU limit in CPUs (0.5, 2)." };
    private static readonly Option<long?> Pids = ValueParsers.WholeNumber("--pids", "Maximum number of processes.", 1L, "100");
    private static readonly Option<string?> Network = new("--network") { Description = "Network mode (none, bridge, host, or a network name)." };
    private static readonly Option<bool> ReadOnly = new("--read-only") { Description = "Mount the container's root filesystem read-only." };
    private static readonly Option<string> Pull = new("--pull") { Description = "When to pull the image: missing, always or never.", DefaultValueFactory = _ => "missing" };
    private static readonly Option<string?> Entrypoint = new("--entrypoint") { Description = "Override the image's entrypoint." };
    private static readonly Option<string?> Workdir = new("--workdir", "-w") { Description = "Working directory inside the container." };
    private static readonly Option<string?> User = new("--user", "-u") { Description = "User to run as (name or uid[:gid])." };
    private static readonly Option<string[]> Labels = new("--label", "-l") { Description = "Add a label (NAME=VALUE).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> Volumes = new("--volume", "-v") { Description = "Bind a host path or a named volume (SOURCE:TARGET[:ro]).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<bool> Keep = new("--keep") { Description = "Keep the container after it exits (it is removed by default)." };
    private static readonly Option<bool> Remove = new("--rm") { Description = "Remove the container after it exits: the default, accepted as docker spells it." };
    private static readonly Option<bool> Tty = new("--tty", "-t") { Description = "Not supported: a function's stdout and stderr stay separate streams." };
    private static readonly Argument<string> Image = new("IMAGE") { Description = "The image to run." };
    private static readonly Argument<string[]> Args = new("ARG") { Description = "Arguments for the container.", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        var command = new Command("run", "Run an image as a function: its stdout, stderr and exit code become sdock's.")
        {
            Interactive, Detach, Timeout, Env, Memory, Cpus, Pids, Network, ReadOnly, Pull, Entrypoint, Workdir, User,
            Labels, Volumes, Keep, Remove, Tty, DockerAccessOption.Option, Image, Args,
        };
        foreach (var option in RunSwarmOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(ExecuteAsync);
        return command;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        // Every value and every combination is checked before anything is contacted: bad input is the input's
        // error, never an unreachable engine's.
        await using var docker = RunSwarmOptions.Connect(parse, out var auto);
        var command = Build(docker, parse);
        ValidateCombinations(parse);
        if (auto)
        {
            command = command.WithBackend((await docker.WithSwarmIfManagerAsync(cancellationToken: cancellationToken)).DefaultBackend);
        }

        if (command.Backend is SwarmBackend)
        {
            command = RunSwarmOptions.Apply(command, parse);
            if (parse.GetValue(RunSwarmOptions.Replicas) is not null)
            {
                return await RunSwarmOptions.FanOutAsync(command, parse, cancellationToken);
            }
        }
        else if (parse.GetValue(RunSwarmOptions.Replicas) is not null)
        {
            throw new InvalidCommandException("--replicas", "the engine is not a Swarm manager, so there is nothing to fan out over; use --swarm with a manager.");
        }

        var (scopedCommand, proxy) = await ScopedAccess.ApplyAsync(command, parse, cancellationToken);
        await using var scopedProxy = proxy;
        command = scopedCommand;
        if (parse.GetValue(Detach))
        {
            var run = await command.StartDetachedAsync(cancellationToken);
            Console.Out.WriteLine(run.Id);
            return 0;
        }

        var stdout = new BrokenPipeDetector(BrokenPipeDetector.OpenStandardOutput());
        var stderr = Console.OpenStandardError();
        command = command
            .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStream(stderr))
            .WithValidation(ResultValidation.None);
        if (parse.GetValue(Interactive))
        {
            command = command.WithStandardInputPipe(PipeSource.FromStream(Console.OpenStandardInput()));
        }

        try
        {
            var result = await command.ExecuteAsync(cancellationToken);
            if (result.OomKilled)
            {
                Console.Error.WriteLine($"sdock: killed: out of memory ({command.Image} reached its memory limit{(command.MemoryLimitBytes is { } limit ? $" of {limit} bytes" : string.Empty)}; raise it with --memory)");
            }

            // Exit codes beyond a byte wrap the way the shell would see them.
            return (int)(result.ExitCode & 0xFF);
        }
        catch (IOException) when (stdout.Broken)
        {
            // The reader of our stdout went away (`sdock run ... | head -1`): the run was stopped and removed; end
            // quietly with the status a process killed by SIGPIPE has, as docker's CLI does.
            return BrokenPipeDetector.ExitCode;
        }
    }

    /// <summary>Refuses options that cannot go together.</summary>
    internal static void ValidateCombinations(ParseResult parse)
    {
        if (parse.GetValue(Tty))
        {
            throw new InvalidCommandException("--tty", "sdock gives a run no terminal: its stdout and stderr stay separate streams, as a function's must; drop -t (-i alone pipes stdin).");
        }

        if (parse.GetValue(Remove) && parse.GetValue(Keep))
        {
            throw new InvalidCommandException("--rm", "--rm and --keep contradict each other; runs are removed by default, so use --keep alone to keep one.");
        }

        if (!parse.GetValue(Detach))
        {
            return;
        }

        if (parse.GetValue(Interactive))
        {
            throw new InvalidCommandException("--interactive", "a detached run has no stdin; drop -i or -d.");
        }

        // The scoped Docker API lives as long as this process: a detached container would outlive it.
        if (parse.GetValue(DockerAccessOption.Option) is not null)
        {
            throw new InvalidCommandException("--docker-access", "a detached run would outlive its proxy; run attached, or serve a tenant socket with 'sdock proxy'.");
        }
    }

    /// <summary>Maps the options onto a command.</summary>
    internal static ContainerCommand Build(DockerFunctions docker, ParseResult parse)
    {
        // System.CommandLine binds an unknown option before the image as the IMAGE argument: report it as the option it is.
        if (parse.GetValue(Image) is { } image && image.StartsWith('-'))
        {
            throw new InvalidCommandException(image, "unknown option for 'sdock run'; see 'sdock run --help'.");
        }

        var command = docker.Command(parse.GetValue(Image)!, parse.GetValue(Args) ?? [])
            .WithPullPolicy(ParsePull(parse.GetValue(Pull)!))
            .WithReadOnlyRootFilesystem(parse.GetValue(ReadOnly))
            .WithRemoveAfterRun(!parse.GetValue(Keep))
            .WithPullProgress(new PullReporter());

        if (parse.GetValue(Timeout) is { } timeout)
        {
            command = command.WithTimeout(ValueParsers.Duration("--timeout", timeout));
        }

        foreach (var e in parse.GetValue(Env) ?? [])
        {
            // docker's rule: `-e NAME` passes NAME from sdock's own environment, and leaves it unset when sdock has none.
            if (!e.Contains('=', StringComparison.Ordinal) && e.Length > 0 && Environment.GetEnvironmentVariable(e) is null)
            {
                continue;
            }

            var (name, value) = ValueParsers.KeyValue("--env", e, fromEnvironment: true);
            command = command.WithEnvironment(name, value);
        }

        foreach (var l in parse.GetValue(Labels) ?? [])
        {
            var (name, value) = ValueParsers.KeyValue("--label", l, fromEnvironment: false);
            command = command.WithLabel(name, value);
        }

        foreach (var v in parse.GetValue(Volumes) ?? [])
        {
            command = command.WithMount(ParseVolume(v));
        }

        if (parse.GetValue(Memory) is { } memory)
        {
            command = command.WithMemoryLimit(ValueParsers.Size("--memory", memory));
        }

        if (parse.GetValue(Cpus) is { } cpus)
        {
            command = command.WithCpus(ValueParsers.Cpus("--cpus", cpus));
        }

        command = command
            .WithPidsLimit(parse.GetValue(Pids))
            .WithNetworkMode(parse.GetValue(Network))
            .WithWorkingDirectory(parse.GetValue(Workdir))
            .WithUser(parse.GetValue(User));
        if (parse.GetValue(Entrypoint) is { } entrypoint)
        {
            command = command.WithEntrypoint(entrypoint.Length == 0 ? [""] : [entrypoint]);
        }

        return command;
    }

    internal static PullPolicy ParsePull(string text) => text.ToLowerInvariant() switch
    {
        "missing" => PullPolicy.Missing,
        "always" => PullPolicy.Always,
        "never" => PullPolicy.Never,
        _ => throw new InvalidCommandException("--pull", $"'{text}' is not a pull policy; use missing, always or never."),
    };

    internal static ContainerMount ParseVolume(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0 || (parts.Length == 3 && parts[2] is not ("ro" or "rw")))
        {
            throw new InvalidCommandException("--volume", $"'{text}' is not SOURCE:TARGET[:ro]; for example /srv/data:/data:ro or myvolume:/data.");
        }

        var readOnly = parts.Length == 3 && parts[2] == "ro";
        return parts[0].StartsWith('/') || parts[0].StartsWith('.')
            ? ContainerMount.Bind(Path.GetFullPath(parts[0]), parts[1], readOnly)
            : ContainerMount.Volume(parts[0], parts[1], readOnly);
    }
}
