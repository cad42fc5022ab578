using System.Runtime.ExceptionServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>
/// Runs functions as Swarm services, so they land on any node of the cluster. Connect it to a manager.
/// </summary>
/// <remarks>
/// In swarm mode <c>docker run</c> only runs on the node it is sent to (moby/swarmkit#1501), so a run here is a
/// service: one replica, restart condition none, labelled <c>io.sdock.swarm=true</c>. The backend:
/// 1. creates per-run secrets/configs and the service; 2. polls its task until it exits (or is rejected, stuck
/// pending past <see cref="SwarmOptions.StartTimeout"/>, or its node is lost); 3. reads stdout and stderr from the
/// service logs; 4. removes the service, secrets and configs — on success, failure, timeout and cancellation.
/// Output reaches the pipes after the task exits (service logs are read once it is done), not while it runs.
/// Stdin is refused: services have no attach.
/// </remarks>
public sealed class SwarmBackend : IFunctionBackend
{
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(30);
    private readonly DockerClient _client;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;

    /// <summary>Creates a backend that sends its services to the Swarm manager behind <paramref name="client"/>.</summary>
    public SwarmBackend(DockerClient client, Uri endpoint, SwarmOptions? options = null, TimeProvider? timeProvider = null)
    {
        _client = client;
        _endpoint = endpoint;
        _time = timeProvider ?? TimeProvider.System;
        Options = options ?? SwarmOptions.Default;
    }

    /// <inheritdoc />
    public string Name => "swarm";

    /// <summary>The placement and equipment of this backend's services.</summary>
    public SwarmOptions Options { get; }

    /// <summary>The manager's client.</summary>
    public DockerClient Client => _client;

    /// <summary>A backend on the same manager with other options.</summary>
    public SwarmBackend WithOptions(SwarmOptions options) => new(_client, _endpoint, options, _time);

    /// <summary>True when the engine behind <paramref name="client"/> is a Swarm manager (so it can take services).</summary>
    public static async Task<bool> IsManagerAsync(DockerClient client, CancellationToken cancellationToken = default)
    {
        var info = await client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
        return info.Swarm is { ControlAvailable: true };
    }

    /// <inheritdoc />
    /// <remarks>The id passed to <paramref name="onCreated"/> and returned in the result is the Swarm task id.</remarks>
    public async Task<ContainerResult> ExecuteAsync(ContainerCommand command, Action<string>? onCreated, CancellationToken cancellationToken)
    {
        RefuseStdin(command);
        var stdoutTail = new TailBuffer();
        var stderrTail = new TailBuffer();
        var outcome = await RunOneAsync(command, Options, index: null, count: null, onCreated,
            (logs, token) => SwarmLogReader.PumpAsync(logs, command.StandardOutputPipe, command.StandardErrorPipe, stdoutTail, stderrTail, token),
            cancellationToken).ConfigureAwait(false);
        var result = new ContainerResult(outcome.TaskId, outcome.ExitCode, outcome.StartTime, outcome.ExitTime);
        if (result.ExitCode != 0 && command.Validation == ResultValidation.ZeroExitCode)
        {
            throw new ContainerExitException(command.Image, command.Arguments, outcome.TaskId, result.ExitCode,
                stdoutTail.ToString(), stderrTail.ToString(), outputIsTail: true);
        }

        return result;
    }

    /// <inheritdoc />
    /// <remarks>The handle's <see cref="DetachedRun.Id"/> is the service id; disposing it removes the service.</remarks>
    public async Task<DetachedRun> StartDetachedAsync(ContainerCommand command, CancellationToken cancellationToken)
    {
        RefuseStdin(command);
        var resources = new SwarmRunResources(_client);
        try
        {
            var startTime = _time.GetUtcNow();
            var serviceId = await CreateServiceAsync(command, Options, resources, detached: true, index: null, count: null, cancellationToken)
                .ConfigureAwait(false);
            return new SwarmDetachedRun(this, serviceId, command.Image, startTime, resources);
        }
        catch
        {
            await resources.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gets a handle to an existing detached Swarm run by service id or name (for `sdock wait/logs/kill`).</summary>
    /// <remarks>Disposing the handle removes the service; per-run secrets and configs of the original run are left to
    /// <see cref="PruneAsync"/>.</remarks>
    public async Task<DetachedRun> GetRunAsync(string serviceIdOrName, CancellationToken cancellationToken = default)
    {
        var service = await EngineErrors.CallAsync(_endpoint, $"find service {serviceIdOrName}", () =>
            _client.Swarm.InspectServiceAsync(serviceIdOrName, cancellationToken)).ConfigureAwait(false);
        var labels = service.Spec?.Labels;
        var image = labels is not null && labels.TryGetValue(FunctionLabels.Image, out var i) ? i : service.Spec?.TaskTemplate?.ContainerSpec?.Image ?? "";
        var startTime = service.CreatedAt is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : _time.GetUtcNow();
        return new SwarmDetachedRun(this, service.ID, image, startTime, new SwarmRunResources(_client) { ServiceId = service.ID });
    }

    /// <summary>
    /// Fans a command out: runs it <paramref name="replicas"/> times across the cluster, at most
    /// <paramref name="maxConcurrent"/> at once, and returns each task's output, exit code and node (in index order).
    /// </summary>
    /// <remarks>
    /// Each task is its own one-replica service and sees <c>SDOCK_TASK_INDEX</c> (0-based) and <c>SDOCK_TASK_COUNT</c>.
    /// A non-zero exit is reported in its <see cref="SwarmTaskResult"/>, not thrown. A task that cannot run
    /// (rejected, pending past the start timeout, node lost, timeout) stops the whole fan-out: the other tasks are
    /// removed and that error is thrown.
    /// </remarks>
    /// <param name="command">The command; its stdin must be empty.</param>
    /// <param name="replicas">How many tasks, at least 1.</param>
    /// <param name="maxConcurrent">How many run at once; 0 means all.</param>
    /// <param name="cancellationToken">Removes every task's service and throws <see cref="OperationCanceledException"/>.</param>
    public async Task<IReadOnlyList<SwarmTaskResult>> RunManyAsync(
        ContainerCommand command, int replicas, int maxConcurrent = 0, CancellationToken cancellationToken = default)
    {
        RefuseStdin(command);
        if (replicas < 1)
        {
            throw new InvalidCommandException("replicas", $"{replicas} is not a task count; use 1 or more.");
        }

        if (maxConcurrent < 0)
        {
            throw new InvalidCommandException("max-concurrent", $"{maxConcurrent} is not a limit; use 1 or more, or 0 for all at once.");
        }

        using var gate = new SemaphoreSlim(maxConcurrent == 0 ? replicas : maxConcurrent);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runs = Enumerable.Range(0, replicas).Select(async index =>
        {
            await gate.WaitAsync(failFast.Token).ConfigureAwait(false);
            try
            {
                var output = ("", "");
                var outcome = await RunOneAsync(command, Options, index, replicas, null,
                    async (logs, token) => output = await SwarmLogReader.CollectAsync(logs, command.OutputLimitBytes, command.Image, token).ConfigureAwait(false),
                    failFast.Token).ConfigureAwait(false);
                return new SwarmTaskResult(index, outcome, output.Item1, output.Item2);
            }
            catch
            {
                await failFast.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();

        try
        {
            return await Task.WhenAll(runs).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The first real failure, not the cancellations it caused in the other tasks.
            var first = runs.Where(r => r.IsFaulted).Select(r => r.Exception!.GetBaseException())
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null)
            {
                ExceptionDispatchInfo.Throw(first);
            }

            throw;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The fan-out was cancelled; its services were removed.", ex, cancellationToken);
        }
    }

    /// <summary>
    /// Removes Swarm objects (services, secrets, configs labelled <c>io.sdock.swarm=true</c>) whose owner process is
    /// gone, or all of them with <paramref name="all"/>.
    /// </summary>
    /// <returns>The ids of what was removed.</returns>
    public async Task<IReadOnlyList<string>> PruneAsync(bool all = false, CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        var filter = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{SwarmLabels.Swarm}=true"] = true },
        };
        var services = await EngineErrors.CallAsync(_endpoint, "list services", () =>
            _client.Swarm.ListServicesAsync(new ServiceListParameters { Filters = filter }, cancellationToken)).ConfigureAwait(false);
        foreach (var s in services.Where(s => all || Orphaned(s.Spec?.Labels)))
        {
            await EngineErrors.CallAsync(_endpoint, "remove a service", () => _client.Swarm.RemoveServiceAsync(s.ID, cancellationToken)).ConfigureAwait(false);
            removed.Add(s.ID);
        }

        var secrets = await EngineErrors.CallAsync(_endpoint, "list secrets", () => _client.Secrets.ListAsync(cancellationToken)).ConfigureAwait(false);
        foreach (var s in secrets.Where(s => IsOurs(s.Spec?.Labels) && (all || Orphaned(s.Spec?.Labels))))
        {
            await EngineErrors.CallAsync(_endpoint, "remove a secret", () => _client.Secrets.DeleteAsync(s.ID, cancellationToken)).ConfigureAwait(false);
            removed.Add(s.ID);
        }

        var configs = await EngineErrors.CallAsync(_endpoint, "list configs", () => _client.Configs.ListConfigsAsync(cancellationToken)).ConfigureAwait(false);
        foreach (var c in configs.Where(c => IsOurs(c.Spec?.Labels) && (all || Orphaned(c.Spec?.Labels))))
        {
            await EngineErrors.CallAsync(_endpoint, "remove a config", () => _client.Configs.RemoveConfigAsync(c.ID, cancellationToken)).ConfigureAwait(false);
            removed.Add(c.ID);
        }

        return removed;

        static bool IsOurs(IDictionary<string, string>? labels) => labels is not null && labels.TryGetValue(SwarmLabels.Swarm, out var v) && v == "true";

        static bool Orphaned(IDictionary<string, string>? labels) =>
            labels is null || !labels.ContainsKey(FunctionLabels.Detached) &&
            FunctionLabels.IsOwnerGone(labels.TryGetValue(FunctionLabels.Owner, out var o) ? o : null);
    }

    internal SwarmTaskWatcher Watcher(SwarmOptions options) => new(_client, _endpoint, _time, options);

    internal Uri Endpoint => _endpoint;

    internal TimeProvider Time => _time;

    /// <summary>Creates the service (and what it needs), runs its task to its exit, reads its logs, removes it all.</summary>
    private async Task<SwarmTaskOutcome> RunOneAsync(
        ContainerCommand command, SwarmOptions options, int? index, int? count, Action<string>? onTask,
        Func<MultiplexedStream, CancellationToken, Task> readLogs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startTime = _time.GetUtcNow();
        using var timeoutCts = command.Timeout is { } timeout ? new CancellationTokenSource(timeout, _time) : new CancellationTokenSource();
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var token = runCts.Token;
        await using var resources = new SwarmRunResources(_client);
        string? taskId = null;
        try
        {
            var serviceId = await CreateServiceAsync(command, options, resources, detached: false, index, count, token).ConfigureAwait(false);
            var (task, hostname) = await Watcher(options).WaitForExitAsync(command.Image, serviceId, startTime, id =>
            {
                taskId = id;
                onTask?.Invoke(id);
            }, token).ConfigureAwait(false);
            var exitTime = _time.GetUtcNow();

            // The task is done and its node is up: the logs are complete. Bounded all the same, a node can still vanish.
            using var logCts = CancellationTokenSource.CreateLinkedTokenSource(token);
            logCts.CancelAfter(options.LogReadTimeout);
            using (var logs = await SwarmLogReader.OpenAsync(_client, _endpoint, serviceId, follow: false, logCts.Token).ConfigureAwait(false))
            {
                await readLogs(logs, logCts.Token).ConfigureAwait(false);
            }

            return new SwarmTaskOutcome(serviceId, task.ID, task.NodeID ?? "", hostname, task.Status?.ContainerStatus?.ExitCode ?? 0, startTime, exitTime);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && timeoutCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ContainerTimeoutException(command.Image, taskId ?? resources.ServiceId, command.Timeout!.Value);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The Swarm run was cancelled; its service was removed.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Only the log-read bound is left: the task ended but its logs never came.
            throw new SwarmTaskRejectedException(command.Image, resources.ServiceId ?? "", taskId, null, "finished",
                $"its logs could not be read within {options.LogReadTimeout.TotalSeconds:0}s (the node may have left)");
        }
    }

    internal async Task<string> CreateServiceAsync(
        ContainerCommand command, SwarmOptions options, SwarmRunResources resources, bool detached, int? index, int? count,
        CancellationToken cancellationToken)
    {
        var context = new ContainerCreationContext(command, Guid.NewGuid().ToString("N"));
        foreach (var hook in command.Hooks)
        {
            if (await hook.OnCreatingAsync(context, cancellationToken).ConfigureAwait(false) is { } cleanup)
            {
                resources.AddHookCleanup(cleanup);
            }
        }

        var ownLabels = SwarmLabels.For(context.RunId, command.Image, detached);
        var secrets = new List<SecretReference>();
        foreach (var file in options.Secrets)
        {
            var (id, name) = await SecretAsync(file, context.RunId, secrets.Count, ownLabels, resources, cancellationToken).ConfigureAwait(false);
            secrets.Add(new SecretReference
            {
                SecretID = id, SecretName = name,
                File = new SecretReferenceFileTarget { Name = file.Target, UID = "0", GID = "0", Mode = Convert.ToUInt32("444", 8) },
            });
        }

        var configs = new List<SwarmConfigReference>();
        foreach (var file in options.Configs)
        {
            var (id, name) = await ConfigAsync(file, context.RunId, configs.Count, ownLabels, resources, cancellationToken).ConfigureAwait(false);
            configs.Add(new SwarmConfigReference
            {
                ConfigID = id, ConfigName = name,
                File = new ConfigReferenceFileTarget { Name = file.Target, UID = "0", GID = "0", Mode = Convert.ToUInt32("444", 8) },
            });
        }

        var extraEnv = new Dictionary<string, string>();
        var extraLabels = new Dictionary<string, string>();
        if (index is { } i)
        {
            extraEnv["SDOCK_TASK_INDEX"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            extraEnv["SDOCK_TASK_COUNT"] = (count ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            extraLabels[SwarmLabels.TaskIndex] = extraEnv["SDOCK_TASK_INDEX"];
        }

        var spec = SwarmServiceSpecMapper.ToServiceSpec(command, options, context, detached, extraEnv, extraLabels, secrets, configs);
        // Not cancellable once sent: a create cancelled mid-flight can still happen on the manager, and then we would
        // not know the id to remove. It is quick; the caller's token is honoured right after.
        using var createCts = new CancellationTokenSource(CreateTimeout);
        var created = await EngineErrors.CallAsync(_endpoint, "create the service", () =>
            _client.Swarm.CreateServiceAsync(new ServiceCreateParameters
            {
                Service = spec,
                RegistryAuth = options.RegistryAuth?.ToAuthConfig()!,
            }, createCts.Token)).ConfigureAwait(false);
        resources.ServiceId = created.ID ?? throw new EngineApiException("create the service", System.Net.HttpStatusCode.InternalServerError, "no service id in the answer");
        cancellationToken.ThrowIfCancellationRequested();
        return created.ID;
    }

    private async Task<(string Id, string Name)> SecretAsync(
        SwarmFile file, string runId, int n, Dictionary<string, string> labels, SwarmRunResources resources, CancellationToken cancellationToken)
    {
        if (file.ExistingName is { } existing)
        {
            var all = await EngineErrors.CallAsync(_endpoint, "list secrets", () => _client.Secrets.ListAsync(cancellationToken)).ConfigureAwait(false);
            var found = all.FirstOrDefault(s => s.Spec?.Name == existing || s.ID == existing)
                ?? throw new InvalidCommandException("secret", $"there is no Swarm secret named '{existing}'; create it with `docker secret create {existing} FILE`.");
            return (found.ID, found.Spec?.Name ?? existing);
        }

        var name = $"sdock-{runId[..12]}-secret{n}";
        using var createCts = new CancellationTokenSource(CreateTimeout);
        var created = await EngineErrors.CallAsync(_endpoint, "create a secret", () =>
            _client.Secrets.CreateAsync(new SwarmSecretSpec { Name = name, Labels = labels, Data = file.DataArray }, createCts.Token)).ConfigureAwait(false);
        resources.AddSecret(created.ID);
        cancellationToken.ThrowIfCancellationRequested();
        return (created.ID, name);
    }

    private async Task<(string Id, string Name)> ConfigAsync(
        SwarmFile file, string runId, int n, Dictionary<string, string> labels, SwarmRunResources resources, CancellationToken cancellationToken)
    {
        if (file.ExistingName is { } existing)
        {
            var all = await EngineErrors.CallAsync(_endpoint, "list configs", () => _client.Configs.ListConfigsAsync(cancellationToken)).ConfigureAwait(false);
            var found = all.FirstOrDefault(c => c.Spec?.Name == existing || c.ID == existing)
                ?? throw new InvalidCommandException("config", $"there is no Swarm config named '{existing}'; create it with `docker config create {existing} FILE`.");
            return (found.ID, found.Spec?.Name ?? existing);
        }

        var name = $"sdock-{runId[..12]}-config{n}";
        using var createCts = new CancellationTokenSource(CreateTimeout);
        var created = await EngineErrors.CallAsync(_endpoint, "create a config", () =>
            _client.Configs.CreateConfigAsync(new SwarmCreateConfigParameters
            {
                Config = new SwarmConfigSpec { Name = name, Labels = labels, Data = file.DataArray },
            }, createCts.Token)).ConfigureAwait(false);
        resources.AddConfig(created.ID);
        cancellationToken.ThrowIfCancellationRequested();
        return (created.ID, name);
    }

    private static void RefuseStdin(ContainerCommand command)
    {
        if (!command.StandardInputPipe.IsNull)
        {
            throw new InvalidCommandException("stdin",
                "the Swarm backend cannot feed stdin: Swarm services have no attach. Pass the input as arguments or environment, " +
                "or as a file with SwarmFile.FromBytes(...) in SwarmOptions.Configs/Secrets, or run it on the local engine.");
        }
    }
}
