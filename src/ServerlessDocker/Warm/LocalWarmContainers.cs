using System.Formats.Tar;
using System.Net.Sockets;
using Docker.DotNet.Models;

namespace ServerlessDocker.Warm;

/// <summary>
/// Starts warm containers: the pool's template command with the agent as the entrypoint; the image itself is
/// unchanged. Unix socket: the agent bound in read-only and a host directory for its socket bound in. Attach: the
/// agent copied into a volume of the created container, frames on its stdin/stdout.
/// </summary>
internal sealed class LocalWarmContainers(LocalEngineBackend engine, ContainerCommand template, WarmPoolOptions options, string poolId)
    : IWarmContainerFactory
{
    /// <summary>Where the agent and its socket directory appear inside a container.</summary>
    internal const string AgentTarget = "/.sdock/agent";
    internal const string SocketDirectoryTarget = "/.sdock/run";

    /// <summary>The temp subdirectory that holds one socket directory per warm container.</summary>
    private const string SocketRoot = "sdock-warm";
    internal const string SocketName = "agent.sock";

    /// <summary>The attach transport's volume, which receives the agent before the container starts.</summary>
    internal const string AgentDirectoryTarget = "/.sdock";

    private readonly string _agentPath = options.ResolveAgentPath();
    private readonly Lazy<byte[]> _agentArchive = new(() => ArchiveAgent(options.ResolveAgentPath()));
    private readonly Lazy<Task<WarmImageConfig>> _imageConfig = new(() => InspectAsync(engine, template.Image));

    public string Image => template.Image;

    public Task<WarmImageConfig> GetImageConfigAsync(CancellationToken cancellationToken) =>
        _imageConfig.Value.WaitAsync(cancellationToken);

    public Task<IWarmContainer> StartAsync(CancellationToken cancellationToken) =>
        options.Transport == WarmTransport.Attach ? StartAttachedAsync(cancellationToken) : StartOnSocketAsync(cancellationToken);

    private CreateContainerParameters CreateParameters()
    {
        var creation = new ContainerCreationContext(template, Guid.NewGuid().ToString("N"));
        var parameters = ContainerSpecMapper.ToCreateParameters(template, creation, attachStdin: false, detached: false);
        parameters.Labels[WarmPool.PoolLabel] = poolId;
        parameters.Cmd = null!;
        // The image's environment and working directory stay the agent's; each call brings its own on top.
        parameters.Env = null!;
        parameters.WorkingDir = null!;
        parameters.HostConfig!.Mounts ??= [];
        return parameters;
    }

    private async Task<IWarmContainer> StartAttachedAsync(CancellationToken cancellationToken)
    {
        var parameters = CreateParameters();
        parameters.Entrypoint = [AgentTarget, "--stdio"];
        parameters.AttachStdin = parameters.AttachStdout = parameters.AttachStderr = true;
        parameters.OpenStdin = true;
        // The engine closes the agent's stdin when our attach ends: a host that dies takes its agents with it.
        parameters.StdinOnce = true;
        parameters.HostConfig!.Mounts!.Add(new Mount { Type = "volume", Source = "", Target = AgentDirectoryTarget });
        string? id = null;
        try
        {
            id = await engine.CreateAsync(template, parameters, cancellationToken).ConfigureAwait(false);
            var createdId = id;
            using (var tar = new MemoryStream(_agentArchive.Value, writable: false))
            {
                await engine.CallAsync("copy the warm agent into the container", () =>
                    engine.Client.Containers.ExtractArchiveToContainerAsync(createdId, new CopyToContainerParameters { Path = AgentDirectoryTarget }, tar, cancellationToken))
                    .ConfigureAwait(false);
            }

            var stream = await engine.CallAsync("attach to the warm container", () =>
                engine.Client.Containers.AttachContainerAsync(createdId, new ContainerAttachParameters
                {
                    Stream = true, Stdin = true, Stdout = true, Stderr = true,
                }, cancellationToken)).ConfigureAwait(false);
            var container = new AttachedWarmContainer(engine, id, stream);
            await engine.CallAsync("start the warm container", () =>
                engine.Client.Containers.StartContainerAsync(createdId, new ContainerStartParameters(), cancellationToken)).ConfigureAwait(false);
            await container.HandshakeAsync(template.Image, options.StartTimeout, cancellationToken).ConfigureAwait(false);
            return container;
        }
        catch
        {
            if (id is not null)
            {
                await engine.RemoveQuietlyAsync(id).ConfigureAwait(false);
            }

            throw;
        }
    }

    private async Task<IWarmContainer> StartOnSocketAsync(CancellationToken cancellationToken)
    {
        // Short: a unix socket path has at most 107 bytes.
        var directory = Path.Combine(Path.GetTempPath(), SocketRoot, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        // The agent runs as the command's user, whoever that is, and must create its socket here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0x1ff);
        }
        var parameters = CreateParameters();
        parameters.Entrypoint = [AgentTarget, "--socket", $"{SocketDirectoryTarget}/{SocketName}"];
        parameters.AttachStdout = false;
        parameters.AttachStderr = false;
        parameters.HostConfig!.Mounts!.Add(new Mount { Type = "bind", Source = _agentPath, Target = AgentTarget, ReadOnly = true });
        parameters.HostConfig!.Mounts!.Add(new Mount { Type = "bind", Source = directory, Target = SocketDirectoryTarget });

        string? id = null;
        try
        {
            id = await engine.CreateAsync(template, parameters, cancellationToken).ConfigureAwait(false);
            var container = new LocalWarmContainer(engine, id, directory);
            await engine.CallAsync("start the warm container", () =>
                engine.Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken)).ConfigureAwait(false);
            await container.HoldAsync(template.Image, options.StartTimeout, cancellationToken).ConfigureAwait(false);
            return container;
        }
        catch
        {
            if (id is not null)
            {
                await engine.RemoveQuietlyAsync(id).ConfigureAwait(false);
            }

            TryDeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>A tar holding the agent as <c>agent</c>, executable by anyone (the container's user may be any).</summary>
    private static byte[] ArchiveAgent(string agentPath)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        using (var agent = File.OpenRead(agentPath))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "agent")
            {
                Mode = (UnixFileMode)0x1ed, // 0755
                DataStream = agent,
            });
        }

        return output.ToArray();
    }

    /// <summary>
    /// Deletes a pruned warm container's socket directory when it is one this library makes (a directory of
    /// <c>sdock-warm</c> in a temp directory of this host); any other bind source is left alone.
    /// </summary>
    internal static void DeleteSocketDirectory(string? directory)
    {
        if (directory is not null && Path.IsPathFullyQualified(directory)
            && Path.GetFileName(Path.GetDirectoryName(directory)) == SocketRoot && Directory.Exists(directory))
        {
            TryDeleteDirectory(directory);
        }
    }

    internal static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp directory; nothing depends on it any more.
        }
    }

    private static async Task<WarmImageConfig> InspectAsync(LocalEngineBackend engine, string image)
    {
        var inspect = await engine.CallAsync($"inspect image {image}", () =>
            engine.Client.Images.InspectImageAsync(image, CancellationToken.None)).ConfigureAwait(false);
        return new WarmImageConfig(inspect.Config?.Entrypoint?.ToArray(), inspect.Config?.Cmd?.ToArray(), inspect.Config?.Env?.ToArray() ?? []);
    }
}

/// <summary>One warm container on the local engine and the hold connection that keeps its agent alive.</summary>
internal sealed class LocalWarmContainer(LocalEngineBackend engine, string id, string directory) : IWarmContainer
{
    private Socket? _hold;
    private volatile bool _alive;
    private int _removed;

    public string Id => id;

    public bool IsAlive => _alive;

    private string SocketPath => Path.Combine(directory, LocalWarmContainers.SocketName);

    /// <summary>Connects the hold connection once the agent listens, and watches it.</summary>
    public async Task HoldAsync(string image, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = engine.Time;
        var deadline = time.GetUtcNow() + timeout;
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (File.Exists(SocketPath))
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken).ConfigureAwait(false);
                    await socket.SendAsync(WarmFrames.Encode(WarmFrameType.Hold, []), cancellationToken).ConfigureAwait(false);
                    using var stream = new NetworkStream(socket, ownsSocket: false);
                    using var answer = new CancellationTokenSource(timeout, time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(answer.Token, cancellationToken);
                    var frame = await WarmFrameReader.ReadAsync(stream, new byte[64], linked.Token).ConfigureAwait(false);
                    if (frame?.Type != WarmFrameType.Ready)
                    {
                        throw new IOException("the agent did not answer Ready");
                    }

                    _hold = socket;
                    _alive = true;
                    _ = WatchAsync(socket);
                    return;
                }
                catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
                {
                    socket.Dispose();
                }
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new WarmPoolException(image, id,
                    $"its agent did not answer within {timeout.TotalSeconds:0}s{await DescribeAsync().ConfigureAwait(false)}; " +
                    "check that the agent is the static build from scripts/agent and that the engine is local (it binds a host directory).");
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerMillisecond * 50));
        }
    }

    public async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<long?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout, engine.Time);
        try
        {
            var wait = await engine.Client.Containers.WaitContainerAsync(id, cts.Token).ConfigureAwait(false);
            return wait.StatusCode;
        }
        catch (Exception ex) when (ex is OperationCanceledException or Docker.DotNet.DockerApiException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    public async ValueTask RemoveAsync()
    {
        if (Interlocked.Exchange(ref _removed, 1) != 0)
        {
            return;
        }

        _alive = false;
        _hold?.Dispose();
        await engine.RemoveQuietlyAsync(id).ConfigureAwait(false);
        LocalWarmContainers.TryDeleteDirectory(directory);
    }

    private async Task WatchAsync(Socket socket)
    {
        var buffer = new byte[16];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false) > 0)
            {
                // Nothing travels on a hold connection; its end is the news.
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Ended.
        }

        _alive = false;
    }

    private async Task<string> DescribeAsync()
    {
        try
        {
            var inspect = await engine.Client.Containers.InspectContainerAsync(id).ConfigureAwait(false);
            return inspect.State is { Running: false } state ? $" (the container exited with {state.ExitCode}{(state.Error is { Length: > 0 } e ? $": {e}" : "")})" : "";
        }
        catch (Exception ex) when (ex is Docker.DotNet.DockerApiException or HttpRequestException or IOException)
        {
            return "";
        }
    }
}
