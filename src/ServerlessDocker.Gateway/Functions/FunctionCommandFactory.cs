using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Warm;

namespace ServerlessDocker.Gateway.Functions;

/// <summary>
/// Maps a function's definition and one call's input to the container command that serves it: CGI environment,
/// labels, limits, stdin, scoped Docker access and the backend. The only place a definition becomes a command.
/// </summary>
internal sealed class FunctionCommandFactory(DockerFunctions docker, SwarmBackendProvider swarm, ScopedAccessProvider scopedAccess, WarmPools warm)
{
    /// <summary>The command for one call; the caller supplies where stdout and stderr go.</summary>
    public ContainerCommand Create(FunctionDefinition fn, InvocationInput input, PipeTarget stdout, PipeTarget stderr)
    {
        var env = CgiEnvironment.Build(input.Request, input.ScriptName, input.PathInfo, input.ContentLength, input.PassAuthorization);
        foreach (var (key, value) in fn.Environment)
        {
            env[key] = value;
        }

        // A body goes to stdin on every backend; the Swarm backend refuses it itself (services have no attach).
        var command = docker.Command(fn.Image, fn.Arguments)
            .WithEnvironment(env)
            .WithLabel(GatewayLabels.Function, fn.Name)
            .WithLabel(GatewayLabels.Call, input.CallId)
            .WithMemoryLimit(fn.MemoryBytes)
            .WithCpus(fn.Cpus)
            .WithPidsLimit(fn.PidsLimit)
            .WithNetworkMode(fn.NetworkMode)
            .WithReadOnlyRootFilesystem(fn.ReadOnlyRootFilesystem)
            .WithTimeout(fn.Timeout)
            .WithName(input.RunName)
            .WithValidation(ResultValidation.None)
            .WithStandardInputPipe(input.Body is null ? PipeSource.Null : PipeSource.FromStream(input.Body))
            .WithStandardOutputPipe(stdout)
            .WithStandardErrorPipe(stderr);

        command = command.WithLabels(input.Labels ?? new Dictionary<string, string>()).WithRemoveAfterRun(!input.KeepContainer);
        foreach (var mount in input.Mounts ?? [])
        {
            command = command.WithMount(mount);
        }

        if (fn.ScopedDockerAccess)
        {
            command = command.WithHook(scopedAccess.HookFor(fn.DockerAccessPolicyPath));
        }

        // A warm function's call runs in a pooled container. A run that must be its own container stays cold: a
        // named run (a scheduler's claim on a slot), a kept one, or one with mounts of its own.
        if (fn.Warm is not null && input.RunName is null && !input.KeepContainer && (input.Mounts is null || input.Mounts.Count == 0))
        {
            command = command.OnWarmPool(warm.Get(fn));
        }

        if (fn.Backend == BackendKind.Swarm)
        {
            // functions.yaml's "network: none" (the default) means "reach nothing". Swarm (API 1.41) has no "none"
            // network for services ("network none not found"): a task with no network attached is the closest it gets.
            command = command.WithBackend(swarm.Get());
            if (fn.NetworkMode == "none")
            {
                command = command.WithNetworkMode(null);
            }
        }

        return command;
    }
}
