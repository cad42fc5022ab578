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
public sealed partial class SwarmBackend : IFunctionBackend
{
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(30);
    private readonly DockerClient _client;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;

    internal SwarmBackend(DockerClient client, Uri endpoint, SwarmOptions? options = null, TimeProvider? timeProvider = null)
    {
        _client = client;
        _endpoint = endpoint;
        _time = timeProvider ?? TimeProvider.System;
        Options = options ?? SwarmOptions.Default;
    }

    /// <inheritdoc />
    public string Name => "swarm";

    /// <inheritdoc />
    public TimeProvider Time => _time;

    /// <summary>The placement and equipment of this backend's services, unless a command sets its own
    /// (<see cref="SwarmCommandExtensions.WithSwarmOptions"/>).</summary>
    public SwarmOptions Options { get; }

    internal DockerClient Client => _client;

    /// <summary>A backend on the same manager with other default options.</summary>
    public SwarmBackend WithOptions(SwarmOptions options) => new(_client, _endpoint, options, _time);

    /// <summary>True when the engine behind <paramref name="client"/> is a Swarm manager (so it can take services).</summary>
    internal static async Task<bool> IsManagerAsync(DockerClient client, CancellationToken cancellationToken = default)
    {
        var info = await client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
        return info.Swarm is { ControlAvailable: true };
    }

    /// <summary>The Swarm options a command runs with: its own, else this backend's.</summary>
    public SwarmOptions OptionsFor(ContainerCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.GetBackendOptions<SwarmOptions>() ?? Options;
    }

    /// <inheritdoc />
    public void Validate(ContainerCommand command, bool detached)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.StandardInputPipe.IsNull)
        {
            throw new InvalidCommandException("stdin",
                "the Swarm backend cannot feed stdin: Swarm services have no attach. Pass the input as arguments or environment, " +
                "or as a file with SwarmFile.FromBytes(...) in SwarmOptions.Configs/Secrets, or run it on the local engine.");
        }
    }

    /// <inheritdoc />
    /// <remarks>Creates the service (and its per-run secrets and configs); the id reported to the caller is the task id.</remarks>
    public async Task<IFunctionRun> CreateRunAsync(FunctionRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = OptionsFor(context.Command);
        var resources = new SwarmRunResources(_client, _time);
        try
        {
            var startTime = _time.GetUtcNow();
            var serviceId = await CreateServiceAsync(context, options, resources, cancellationToken).ConfigureAwait(false);
            return new SwarmRun(this, context, options, resources, serviceId, startTime);
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
        SwarmService service;
        try
        {
            service = await EngineErrors.CallAsync(_endpoint, $"find service {serviceIdOrName}", () =>
                _client.Swarm.InspectServiceAsync(serviceIdOrName, cancellationToken)).ConfigureAwait(false);
        }
        catch (EngineApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new RunNotFoundException(serviceIdOrName, exists: false, ex);
        }

        var labels = service.Spec?.Labels;
        if (labels is null || !labels.TryGetValue(SwarmLabels.Swarm, out var ours) || ours != "true")
        {
            throw new RunNotFoundException(serviceIdOrName, exists: true);
        }

        var image = labels.TryGetValue(FunctionLabels.Image, out var i) ? i : service.Spec?.TaskTemplate?.ContainerSpec?.Image ?? "";
        var startTime = service.CreatedAt is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : _time.GetUtcNow();
        return new SwarmDetachedRun(this, service.ID, image, startTime, new SwarmRunResources(_client, _time) { ServiceId = service.ID });
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

    private async Task<string> CreateServiceAsync(
        FunctionRunContext run, SwarmOptions options, SwarmRunResources resources, CancellationToken cancellationToken)
    {
        var command = run.Command;
        var context = run.Creation;
        var detached = run.Detached;
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

        var spec = SwarmServiceSpecMapper.ToServiceSpec(command, options, context, detached, secrets, configs);
        // Not cancellable once sent: a create cancelled mid-flight can still happen on the manager, and then we would
        // not know the id to remove. It is quick; the caller's token is honoured right after.
        using var createCts = new CancellationTokenSource(CreateTimeout, _time);
        ServiceCreateResponse created;
        try
        {
            created = await EngineErrors.CallAsync(_endpoint, "create the service", () =>
                _client.Swarm.CreateServiceAsync(new ServiceCreateParameters
                {
                    Service = spec,
                    RegistryAuth = options.RegistryAuth?.ToAuthConfig()!,
                }, createCts.Token)).ConfigureAwait(false);
        }
        catch (EngineApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict && command.Name is { } name)
        {
            throw new ContainerNameConflictException(name, ex);
        }

        resources.ServiceId = created.ID ?? throw new EngineApiException("create the service", System.Net.HttpStatusCode.InternalServerError, "no service id in the answer");
        cancellationToken.ThrowIfCancellationRequested();
        return created.ID;
    }

    private Task<(string Id, string Name)> SecretAsync(
        SwarmFile file, string runId, int n, Dictionary<string, string> labels, SwarmRunResources resources, CancellationToken cancellationToken) =>
        PerRunObjectAsync(file, "secret", $"sdock-{runId[..12]}-secret{n}", resources.AddSecret,
            async ct => (await _client.Secrets.ListAsync(ct).ConfigureAwait(false)).Select(x => (x.ID, x.Spec?.Name)),
            async (name, ct) => (await _client.Secrets.CreateAsync(
                new SwarmSecretSpec { Name = name, Labels = labels, Data = file.DataArray }, ct).ConfigureAwait(false)).ID,
            cancellationToken);

    private Task<(string Id, string Name)> ConfigAsync(
        SwarmFile file, string runId, int n, Dictionary<string, string> labels, SwarmRunResources resources, CancellationToken cancellationToken) =>
        PerRunObjectAsync(file, "config", $"sdock-{runId[..12]}-config{n}", resources.AddConfig,
            async ct => (await _client.Configs.ListConfigsAsync(ct).ConfigureAwait(false)).Select(x => (x.ID, x.Spec?.Name)),
            async (name, ct) => (await _client.Configs.CreateConfigAsync(new SwarmCreateConfigParameters
            {
                Config = new SwarmConfigSpec { Name = name, Labels = labels, Data = file.DataArray },
            }, ct).ConfigureAwait(false)).ID,
            cancellationToken);

    /// <summary>Finds an existing secret/config by name, or creates a per-run one (recorded for removal).</summary>
    private async Task<(string Id, string Name)> PerRunObjectAsync(
        SwarmFile file, string kind, string newName, Action<string> record,
        Func<CancellationToken, Task<IEnumerable<(string Id, string? Name)>>> list,
        Func<string, CancellationToken, Task<string>> create, CancellationToken cancellationToken)
    {
        if (file.ExistingName is { } existing)
        {
            var all = await EngineErrors.CallAsync(_endpoint, $"list {kind}s", () => list(cancellationToken)).ConfigureAwait(false);
            var found = all.FirstOrDefault(x => x.Name == existing || x.Id == existing);
            return found.Id is null
                ? throw new InvalidCommandException(kind, $"there is no Swarm {kind} named '{existing}'; create it with `docker {kind} create {existing} FILE`.")
                : (found.Id, found.Name ?? existing);
        }

        // Not cancellable once sent, like the service: an abandoned create could leave an object nobody knows of.
        using var createCts = new CancellationTokenSource(CreateTimeout, _time);
        var id = await EngineErrors.CallAsync(_endpoint, $"create a {kind}", () => create(newName, createCts.Token)).ConfigureAwait(false);
        record(id);
        cancellationToken.ThrowIfCancellationRequested();
        return (id, newName);
    }
}
