using Docker.DotNet;
using Docker.DotNet.Models;
using Docker.DotNet.X509;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>
/// Docker containers as functions: the entry point. Connects to an engine and runs images like function calls.
/// </summary>
/// <example>
/// <code>
/// await using var docker = DockerFunctions.FromEnvironment();
/// string padded = await docker.RunAsync("leftpad", ["foo", "5"]);   // "  foo\n"
/// </code>
/// </example>
public sealed partial class DockerFunctions : IAsyncDisposable
{
    private readonly DockerClient _client;

    private DockerFunctions(DockerClient client, DockerEndpoint endpoint, TimeProvider time)
    {
        _client = client;
        Endpoint = endpoint;
        Time = time;
        LocalBackend = new LocalEngineBackend(client, endpoint.Uri, time);
        DefaultBackend = LocalBackend;
    }

    private DockerFunctions(DockerFunctions source, IFunctionBackend backend)
    {
        _client = source._client;
        Endpoint = source.Endpoint;
        Time = source.Time;
        LocalBackend = source.LocalBackend;
        DefaultBackend = backend;
        _ownsClient = false;
    }

    private readonly bool _ownsClient = true;

    /// <summary>The engine endpoint in use.</summary>
    public DockerEndpoint Endpoint { get; }

    /// <summary>The clock runs are timed by.</summary>
    public TimeProvider Time { get; }

    internal DockerClient Engine => _client;

    /// <summary>The backend that runs containers on this engine.</summary>
    public LocalEngineBackend LocalBackend { get; }

    /// <summary>The backend that <see cref="Command"/> and <see cref="RunAsync"/> use.</summary>
    public IFunctionBackend DefaultBackend { get; }

    /// <summary>Connects to the engine the docker CLI would use: <c>DOCKER_HOST</c>, <c>DOCKER_TLS_VERIFY</c>,
    /// <c>DOCKER_CERT_PATH</c>, <c>DOCKER_API_VERSION</c>, else <c>unix:///var/run/docker.sock</c>.</summary>
    /// <remarks>Nothing is sent until the first run; an unreachable engine is reported then as
    /// <see cref="EngineUnavailableException"/>.</remarks>
    public static DockerFunctions FromEnvironment(TimeProvider? timeProvider = null) =>
        Connect(DockerEndpoint.FromEnvironment(), timeProvider);

    /// <summary>Connects to the given endpoint.</summary>
    public static DockerFunctions Connect(DockerEndpoint endpoint, TimeProvider? timeProvider = null)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri);
        if (endpoint.ApiVersion is { } version)
        {
            builder = builder.WithApiVersion(version);
        }

        if (endpoint.UseTls)
        {
            var dir = endpoint.CertificatePath ?? throw new InvalidCommandException("DOCKER_CERT_PATH", "TLS needs a folder with ca.pem, cert.pem and key.pem.");
            try
            {
                var certs = DockerTlsCertificates.LoadFromDirectory(dir, endpoint.VerifyTls, "ca.pem", "cert.pem", "key.pem");
                builder = builder.WithAuthProvider(certs.CreateCredentials());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidCommandException("DOCKER_CERT_PATH", $"cannot load ca.pem, cert.pem and key.pem from '{dir}': {ex.Message}");
            }
        }

        DockerClient client;
        try
        {
            client = builder.Build();
        }
        catch (Exception ex) when (ex is DockerConfigurationException or ArgumentException or NotSupportedException)
        {
            throw new InvalidCommandException("DOCKER_HOST", $"cannot use '{endpoint.Uri}': {ex.Message}");
        }

        return new DockerFunctions(client, endpoint, timeProvider ?? TimeProvider.System);
    }

    /// <summary>A view of this client whose commands run on another backend (for example a Swarm).</summary>
    public DockerFunctions WithDefaultBackend(IFunctionBackend backend) => new(this, backend);

    /// <summary>Creates a command for an image; configure it with <c>WithX</c> and run it.</summary>
    public ContainerCommand Command(string image, IEnumerable<string>? arguments = null) =>
        new(DefaultBackend, image, arguments?.ToArray() ?? []);

    /// <summary>Runs an image like a function and returns its stdout.</summary>
    /// <exception cref="ContainerExitException">The exit code was not zero; carries stdout and stderr.</exception>
    public async Task<string> RunAsync(string image, IEnumerable<string>? arguments = null, CancellationToken cancellationToken = default) =>
        (await Command(image, arguments).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false)).StandardOutput;

    /// <summary>Runs an image and returns stdout, stderr, exit code, container id and timings.</summary>
    public async Task<BufferedContainerResult> RunBufferedAsync(
        string image, IEnumerable<string>? arguments = null, CancellationToken cancellationToken = default) =>
        await Command(image, arguments).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Starts an image in the background (the seed's <c>detach=True</c>); dispose the handle to remove it.</summary>
    public Task<DetachedRun> RunDetachedAsync(
        string image, IEnumerable<string>? arguments = null, CancellationToken cancellationToken = default) =>
        Command(image, arguments).StartDetachedAsync(cancellationToken);

    /// <summary>Gets a handle to an existing function container on this engine.</summary>
    public Task<DetachedRun> GetRunAsync(string idOrName, CancellationToken cancellationToken = default) =>
        LocalBackend.GetRunAsync(idOrName, cancellationToken);

    /// <summary>Lists the function containers on this engine (running and exited).</summary>
    public async Task<IReadOnlyList<FunctionContainerInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = await EngineErrors.CallAsync(Endpoint.Uri, "list containers", () =>
            _client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{FunctionLabels.Function}=true"] = true },
                },
            }, cancellationToken)).ConfigureAwait(false);
        return list.Select(FunctionContainerInfo.From).ToList();
    }

    /// <summary>
    /// Removes what crashed callers left behind: function containers whose owner process is gone; of those, a
    /// detached run only once it has exited (it outlives its owner on purpose), and a kept run
    /// (<see cref="ContainerCommand.WithRemoveAfterRun"/> false) never. A run whose owner lives is never touched, exited
    /// or not: its owner may still read its exit code and output. With <paramref name="all"/>, every function container. A removed warm container's socket
    /// directory on this host goes with it (its pool, had it lived, would have removed both).
    /// </summary>
    /// <returns>The ids of the removed containers.</returns>
    public async Task<IReadOnlyList<string>> PruneAsync(bool all = false, CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        foreach (var info in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var orphan = !info.Kept && FunctionLabels.IsOwnerGone(info.Owner) && !(info.Detached && info.Running);
            if (all || orphan)
            {
                await LocalBackend.RemoveQuietlyAsync(info.Id).ConfigureAwait(false);
                Warm.LocalWarmContainers.DeleteSocketDirectory(info.WarmSocketDirectory);
                removed.Add(info.Id);
            }
        }

        return removed;
    }

    /// <summary>Checks that the engine answers; throws <see cref="EngineUnavailableException"/> when it does not.</summary>
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        EngineErrors.CallAsync(Endpoint.Uri, "answer a ping", () => _client.System.PingAsync(cancellationToken));

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
