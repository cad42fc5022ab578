using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDocker.Proxy.Audit;
using ServerlessDocker.Proxy.Engine;

namespace ServerlessDocker.Proxy;

/// <summary>
/// A Docker Engine API proxy that serves one unix socket per scope. Each scope sees and manages only what it
/// (or its descendants) created, under a default-deny policy.
/// </summary>
/// <example>
/// <code>
/// await using var proxy = await ScopedDockerProxy.StartAsync(new ProxyOptions { Upstream = DockerEndpoint.FromEnvironment() }, ct);
/// await using var tenant = await proxy.CreateScopeAsync("tenant-a", "/run/tenant-a.sock", cancellationToken: ct);
/// // DOCKER_HOST=unix:///run/tenant-a.sock docker run --rm busybox echo hi
/// </code>
/// </example>
public sealed class ScopedDockerProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ProxyScope> _scopes = new(StringComparer.Ordinal);

    // Containers this proxy created to hold a nested scope, by full ID: the only destroy events it acts on.
    private readonly ConcurrentDictionary<string, ProxyScope> _holders = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, QuotaGate> _quotaLocks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    // Leftover removals waiting for still-running containers to exit (LeftoverGrace); the proxy's dispose awaits them.
    private readonly ConcurrentDictionary<Task, byte> _drains = new();
    private Task _eventMonitor = Task.CompletedTask;
    private int _disposed;

    private ScopedDockerProxy(ProxyOptions options)
    {
        Options = options;
        Upstream = UpstreamConnector.For(options.Upstream);
        Engine = new EngineClient(Upstream, options.TimeProvider);
        Audit = new AuditLog(options.AuditLog, options.TimeProvider);
    }

    /// <summary>The options the proxy runs with.</summary>
    public ProxyOptions Options { get; }

    /// <summary>The live top-level scopes.</summary>
    public IReadOnlyCollection<ProxyScope> Scopes => [.. _scopes.Values.Where(s => s.Parent is null)];

    internal UpstreamConnector Upstream { get; }

    internal EngineClient Engine { get; }

    internal AuditLog Audit { get; }

    /// <summary>Checks that the engine answers, then starts the proxy (no scope is served until one is created).</summary>
    /// <exception cref="EngineUnavailableException">The engine does not answer at <see cref="ProxyOptions.Upstream"/>.</exception>
    /// <exception cref="ProxyEndpointException">The upstream uses TLS or a scheme the proxy does not speak.</exception>
    public static async Task<ScopedDockerProxy> StartAsync(ProxyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var proxy = new ScopedDockerProxy(options);
        try
        {
            using var socket = await proxy.Upstream.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            proxy.Engine.Dispose();
            throw new EngineUnavailableException(options.Upstream.Uri, ex);
        }

        Directory.CreateDirectory(options.SocketDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(options.SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        proxy._eventMonitor = Task.WhenAll(
            proxy.MonitorNestedScopesAsync(proxy._stopping.Token),
            proxy.MonitorImagesAsync(proxy._stopping.Token));
        return proxy;
    }

    /// <summary>Creates a top-level scope (a tenant) listening on <paramref name="socketPath"/>.</summary>
    /// <param name="name">The tenant name: 1-63 of [a-z0-9_.-]; objects it created before a restart are visible again under the same name.</param>
    /// <param name="socketPath">The socket to serve (one in <see cref="ProxyOptions.SocketDirectory"/> when null).</param>
    /// <param name="policy">The scope's policy (<see cref="ProxyOptions.Policy"/> when null).</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    public Task<ProxyScope> CreateScopeAsync(string name, string? socketPath = null, ProxyPolicy? policy = null, CancellationToken cancellationToken = default) =>
        CreateScopeAsync(name, socketPath, policy, removeLeftovers: false, cancellationToken);

    /// <summary>Stops every scope and the proxy. Top-level scopes keep their objects; child scopes remove theirs by policy.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var scope in _scopes.Values.Where(s => s.Parent is null).ToList())
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }

        // Each drain is bounded by its policy's LeftoverGrace: a detached child is not killed because the proxy stops.
        await Task.WhenAll(_drains.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _eventMonitor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Engine.Dispose();
        _stopping.Dispose();
        foreach (var gate in _quotaLocks.Values)
        {
            gate.Semaphore.Dispose();
        }
    }

    internal Task<ProxyScope> CreateScopeAsync(string name, string? socketPath, ProxyPolicy? policy, bool removeLeftovers, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_scopes.ContainsKey(name))
        {
            throw new ScopeConflictException(name, "a scope with that name already exists on this proxy; choose another name.");
        }

        return Task.FromResult(ProxyScope.Start(this, null, name, policy ?? Options.Policy, socketPath ?? NewSocketPath(), removeLeftovers));
    }

    internal string NewSocketPath() => Path.Combine(Options.SocketDirectory, $"scope-{Guid.NewGuid():N}.sock");

    internal void Register(ProxyScope scope)
    {
        if (!_scopes.TryAdd(scope.Path, scope))
        {
            throw new ScopeConflictException(scope.Path, "a scope with that name already exists on this proxy; choose another name.");
        }
    }

    internal void Unregister(ProxyScope scope) => _scopes.TryRemove(new KeyValuePair<string, ProxyScope>(scope.Path, scope));

    /// <summary>Records that the proxy itself created <paramref name="containerId"/> to hold <paramref name="child"/>.</summary>
    internal void TrackHolder(string containerId, ProxyScope child) => _holders[containerId] = child;

    /// <summary>True when <paramref name="child"/> has a recorded holder container.</summary>
    internal bool HasHolder(ProxyScope child) => _holders.Values.Contains(child);

    /// <summary>
    /// Serialises the creates that count against the quotas on <paramref name="scope"/>'s path: one lock per
    /// top-level scope, so one tenant's slow engine call never stalls another tenant's creates.
    /// </summary>
    internal async Task<IDisposable> AcquireQuotaLockAsync(ProxyScope scope, CancellationToken cancellationToken)
    {
        var gate = QuotaGateOf(scope);
        await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    /// <summary>
    /// How many times the quota lock on <paramref name="scope"/>'s path has been released. A subtree list taken after
    /// reading this still holds every container created under the lock if the count is unchanged once the lock is
    /// held: a create in flight at the read releases the lock after its engine call, which changes the count.
    /// </summary>
    internal long QuotaLockReleases(ProxyScope scope) => Interlocked.Read(ref QuotaGateOf(scope).Releases);

    private QuotaGate QuotaGateOf(ProxyScope scope)
    {
        var root = scope;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return _quotaLocks.GetOrAdd(root.Path, static _ => new QuotaGate());
    }

    /// <summary>
    /// Removes the containers, volumes and networks of a removed scope's subtree (best effort). With a
    /// <see cref="ProxyPolicy.LeftoverGrace"/>, containers still running are given that long to exit first, in the
    /// background, so a detached child outlives the call that started it and is removed once it has exited.
    /// </summary>
    internal Task RemoveLeftoversAsync(ProxyScope scope)
    {
        var grace = scope.Policy.LeftoverGrace;
        if (grace <= TimeSpan.Zero)
        {
            return RemoveLeftoversNowAsync(scope, TimeSpan.Zero);
        }

        var drain = Task.Run(() => RemoveLeftoversNowAsync(scope, grace), CancellationToken.None);
        _drains.TryAdd(drain, 0);
        _ = drain.ContinueWith(t => _drains.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private async Task RemoveLeftoversNowAsync(ProxyScope scope, TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60) + grace, Options.TimeProvider);
        try
        {
            var containers = await Engine.ListContainersAsync(scope.OwnerFilter, timeout.Token).ConfigureAwait(false);
            if (grace > TimeSpan.Zero && containers.Count > 0)
            {
                using var waiting = new CancellationTokenSource(grace, Options.TimeProvider);
                await Task.WhenAll(containers.Select(c => Engine.WaitNotRunningAsync(c.Id, waiting.Token)))
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            foreach (var container in containers)
            {
                await Engine.DeleteAsync($"/containers/{container.Id}?force=1&v=1", timeout.Token).ConfigureAwait(false);
            }

            foreach (var volume in await Engine.ListLabelledAsync("volumes", scope.OwnerFilter, timeout.Token).ConfigureAwait(false))
            {
                await Engine.DeleteAsync($"/volumes/{Uri.EscapeDataString(volume)}?force=1", timeout.Token).ConfigureAwait(false);
            }

            foreach (var network in await Engine.ListLabelledAsync("networks", scope.OwnerFilter, timeout.Token).ConfigureAwait(false))
            {
                await Engine.DeleteAsync($"/networks/{network}", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            // Best effort: leftovers stay labelled and can be found with the scope's filter.
        }
    }

    /// <summary>Removes a nested scope when the container that held it is destroyed.</summary>
    private Task MonitorNestedScopesAsync(CancellationToken cancellationToken) => FollowEventsAsync(
        new JsonObject
        {
            ["type"] = new JsonArray("container"),
            ["event"] = new JsonArray("destroy"),
            ["label"] = new JsonArray(ScopeLabels.ChildScope),
        },
        replay: false,
        onOpen: static () => { },
        onEvent: line =>
        {
            var actor = JsonNode.Parse(line)?["Actor"];
            if (actor?["ID"]?.GetValue<string>() is { } id)
            {
                Engine.Containers.Remove(id);

                // Labels on the event are never trusted (a build or an image can carry any label):
                // only a container this proxy created and recorded as a holder removes its scope.
                if (_holders.TryRemove(id, out var scope))
                {
                    _ = Task.Run(async () => await scope.DisposeAsync().ConfigureAwait(false), CancellationToken.None);
                }
            }
        },
        onDown: static () => { },
        cancellationToken);

    /// <summary>
    /// Keeps <see cref="EngineClient.Images"/> honest about changes made outside this proxy: every image event clears
    /// it, and while the stream is down nothing is served from it.
    /// </summary>
    private Task MonitorImagesAsync(CancellationToken cancellationToken) => FollowEventsAsync(
        new JsonObject { ["type"] = new JsonArray("image") },
        replay: true,
        onOpen: Engine.Images.StartWatching,
        onEvent: _ => Engine.Images.Invalidate(),
        onDown: Engine.Images.StopWatching,
        cancellationToken);

    /// <summary>
    /// Follows the engine's events that match <paramref name="filters"/> until the proxy stops, opening the stream
    /// again a second after it fails. With <paramref name="replay"/>, each stream starts with the events of a moment
    /// before it opened: the engine answers before it subscribes, so an event in between would be missed.
    /// </summary>
    private async Task FollowEventsAsync(JsonObject filters, bool replay, Action onOpen, Action<string> onEvent, Action onDown, CancellationToken cancellationToken)
    {
        var filtersJson = filters.ToJsonString();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                DateTimeOffset? since = replay ? Options.TimeProvider.GetUtcNow() - TimeSpan.FromSeconds(1) : null;
                using var stream = await Engine.OpenEventsAsync(filtersJson, since, cancellationToken).ConfigureAwait(false);
                onOpen();
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    onEvent(line);
                }

                onDown();
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or System.Net.Sockets.SocketException)
            {
                onDown();
                await Task.Delay(TimeSpan.FromSeconds(1), Options.TimeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException)
            {
                onDown();
                return;
            }
        }
    }

    private sealed class QuotaGate
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public long Releases;
    }

    private sealed class Releaser(QuotaGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Increment(ref gate.Releases);
                gate.Semaphore.Release();
            }
        }
    }
}
