using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ServerlessDocker.Proxy.Http;

namespace ServerlessDocker.Proxy;

/// <summary>
/// One client identity of the proxy: a unix socket (mode 0600) whose callers see and manage only what this
/// scope and its descendants created. Dispose it to stop serving and delete its socket (and, for child
/// scopes, by policy, to remove what its subtree left behind).
/// </summary>
public sealed partial class ProxyScope : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly ConcurrentDictionary<string, ProxyScope> _children = new(StringComparer.Ordinal);
    private readonly bool _removeLeftovers;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    private ProxyScope(ScopedDockerProxy proxy, ProxyScope? parent, string name, ProxyPolicy policy, string socketPath, bool removeLeftovers)
    {
        Proxy = proxy;
        Parent = parent;
        Name = name;
        Path = parent is null ? name : $"{parent.Path}/{name}";
        Depth = parent is null ? 0 : parent.Depth + 1;
        Policy = policy;
        SocketPath = socketPath;
        _removeLeftovers = removeLeftovers;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        var lineage = new List<string>();
        for (var s = this; s is not null; s = s.Parent)
        {
            lineage.Insert(0, s.Path);
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [ScopeLabels.Scope] = Path };
        for (var depth = 0; depth <= ScopeLabels.MaxDepth; depth++)
        {
            // Every level is written, empty beyond this depth, so labels inherited from an image never grant visibility.
            labels[ScopeLabels.AtDepth(depth)] = depth < lineage.Count ? lineage[depth] : string.Empty;
        }

        OwnerLabels = labels;
        OwnerFilter = $"{ScopeLabels.AtDepth(Depth)}={Path}";
    }

    /// <summary>The scope's own name (the last component of <see cref="Path"/>).</summary>
    public string Name { get; }

    /// <summary>The full path from the top-level scope, for example <c>tenant-a/c-1f2e3d4c</c>.</summary>
    public string Path { get; }

    /// <summary>0 for a top-level scope, parent's depth + 1 for a child.</summary>
    public int Depth { get; }

    /// <summary>The policy applied to requests on this scope's socket.</summary>
    public ProxyPolicy Policy { get; }

    /// <summary>The unix socket clients of this scope connect to.</summary>
    public string SocketPath { get; }

    /// <summary>The parent scope, or null for a top-level scope.</summary>
    public ProxyScope? Parent { get; }

    /// <summary>The live child scopes.</summary>
    public IReadOnlyCollection<ProxyScope> Children => [.. _children.Values];

    /// <summary>The <c>DOCKER_HOST</c> value for this scope.</summary>
    public string DockerHost => "unix://" + SocketPath;

    internal ScopedDockerProxy Proxy { get; }

    internal IReadOnlyDictionary<string, string> OwnerLabels { get; }

    internal string OwnerFilter { get; }

    /// <summary>
    /// Creates a child scope: everything it creates is also visible to this scope, but it sees nothing of
    /// this scope's other objects, and siblings never see each other.
    /// </summary>
    /// <param name="name">The child's name (generated when null).</param>
    /// <param name="socketPath">Where to listen (a new socket in the proxy's socket directory when null).</param>
    /// <param name="policy">The child's policy (this scope's policy when null).</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    public Task<ProxyScope> CreateChildAsync(string? name = null, string? socketPath = null, ProxyPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Depth + 1 > ScopeLabels.MaxDepth)
        {
            throw new ScopeConflictException(Path + "/…", $"scopes cannot be nested deeper than {ScopeLabels.MaxDepth}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        name ??= "c-" + Guid.NewGuid().ToString("N")[..12];
        ValidateName(name);
        var child = Start(Proxy, this, name, policy ?? Policy, socketPath ?? Proxy.NewSocketPath(), removeLeftovers: true);
        if (!_children.TryAdd(name, child))
        {
            _ = child.DisposeAsync().AsTask();
            throw new ScopeConflictException(child.Path, "a child scope with that name already exists; choose another name.");
        }

        return Task.FromResult(child);
    }

    /// <summary>Stops serving, deletes the socket, disposes children and, for child scopes by policy, removes leftovers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var child in _children.Values)
        {
            await child.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(_connections.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        TryDeleteSocket(SocketPath);
        Parent?._children.TryRemove(Name, out _);
        Proxy.Unregister(this);
        if (_removeLeftovers && Policy.RemoveLeftovers)
        {
            await Proxy.RemoveLeftoversAsync(this).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    internal static ProxyScope Start(ScopedDockerProxy proxy, ProxyScope? parent, string name, ProxyPolicy policy, string socketPath, bool removeLeftovers)
    {
        ValidateName(name);
        var scope = new ProxyScope(proxy, parent, name, policy, System.IO.Path.GetFullPath(socketPath), removeLeftovers);
        scope.Listen();
        proxy.Register(scope);
        return scope;
    }

    /// <summary>True when an object with these labels belongs to this scope or one of its descendants.</summary>
    internal bool Owns(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(ScopeLabels.AtDepth(Depth), out var owner) && string.Equals(owner, Path, StringComparison.Ordinal);

    private static void ValidateName(string name)
    {
        if (!ScopeName().IsMatch(name))
        {
            throw new InvalidScopeNameException(name);
        }
    }

    private void Listen()
    {
        var directory = System.IO.Path.GetDirectoryName(SocketPath)!;
        Directory.CreateDirectory(directory);
        if (File.Exists(SocketPath))
        {
            if (IsListening(SocketPath))
            {
                throw new InvalidOperationException($"socket '{SocketPath}' is already in use");
            }

            File.Delete(SocketPath);
        }

        // Bind under a temporary name, restrict it to the owner, then move it into place: the final path is never group/world-accessible.
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(SocketPath)}.{Guid.NewGuid():N}");
        _listener.Bind(new UnixDomainSocketEndPoint(temporary));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, SocketPath);
        _listener.Listen(512);
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            if (_connections.Count >= Policy.MaxConnections)
            {
                ClientConnection.RefuseBusy(this, socket);
                continue;
            }

            var task = Task.Run(() => new ClientConnection(this, socket).RunAsync(cancellationToken), CancellationToken.None);
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static bool IsListening(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void TryDeleteSocket(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ScopeName();
}
