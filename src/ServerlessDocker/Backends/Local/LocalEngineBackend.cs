using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>
/// Runs functions as containers on one Docker engine: creates each run's container (pulling the image when it is
/// missing), and stops and removes it. Get one from <see cref="DockerFunctions.LocalBackend"/>.
/// </summary>
public sealed class LocalEngineBackend : IFunctionBackend
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);
    private readonly DockerClient _client;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;

    internal LocalEngineBackend(DockerClient client, Uri endpoint, TimeProvider? timeProvider = null)
    {
        _client = client;
        _endpoint = endpoint;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public TimeProvider Time => _time;

    internal DockerClient Client => _client;

    internal Uri Endpoint => _endpoint;

    /// <inheritdoc />
    public void Validate(ContainerCommand command, bool detached)
    {
        // The engine runs everything a command can say.
    }

    /// <inheritdoc />
    public async Task<IFunctionRun> CreateRunAsync(FunctionRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = ContainerSpecMapper.ToCreateParameters(context.Command, context.Creation, context.HasStandardInput, context.Detached);
        var id = await CreateAsync(context.Command, parameters, cancellationToken).ConfigureAwait(false);
        context.ReportId(id);
        return new LocalEngineRun(this, context, id);
    }

    /// <summary>Gets a handle to an existing function container by id or name.</summary>
    /// <exception cref="RunNotFoundException">There is no such container, or it is not a function container.</exception>
    public async Task<DetachedRun> GetRunAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        ContainerInspectResponse inspect;
        try
        {
            inspect = await CallAsync($"find container {idOrName}", () =>
                _client.Containers.InspectContainerAsync(idOrName, cancellationToken)).ConfigureAwait(false);
        }
        catch (EngineApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new RunNotFoundException(idOrName, exists: false, ex);
        }

        var labels = inspect.Config?.Labels;
        if (labels is null || !labels.TryGetValue(FunctionLabels.Function, out var function) || function != "true")
        {
            throw new RunNotFoundException(idOrName, exists: true);
        }

        var image = labels.TryGetValue(FunctionLabels.Image, out var i) ? i : inspect.Config?.Image ?? "";
        var started = inspect.Created == default ? _time.GetUtcNow() : new DateTimeOffset(DateTime.SpecifyKind(inspect.Created, DateTimeKind.Utc));
        return new LocalDetachedRun(this, inspect.ID, image, started);
    }

    internal async Task<string> CreateAsync(ContainerCommand command, CreateContainerParameters parameters, CancellationToken token)
    {
        if (command.PullPolicy == PullPolicy.Always)
        {
            await PullAsync(command, token).ConfigureAwait(false);
        }

        try
        {
            return await CreateContainerAsync(parameters).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict && command.Name is { } name)
        {
            throw new ContainerNameConflictException(name, ex);
        }
        catch (DockerApiException ex) when (EngineErrors.IsNoSuchImage(ex))
        {
            if (command.PullPolicy == PullPolicy.Never)
            {
                throw new ImageNotFoundException(command.Image, PullPolicy.Never);
            }

            if (command.PullPolicy == PullPolicy.Always)
            {
                throw new ImageNotFoundException(command.Image, command.PullPolicy, EngineApiException.ExtractMessage(ex.ResponseBody));
            }
        }
        catch (Exception ex) when (EngineErrors.Translate(_endpoint, "create the container", ex) is { } translated)
        {
            throw translated;
        }

        await PullAsync(command, token).ConfigureAwait(false);
        // The identical spec again: a retry that rebuilt it could silently drop options.
        return await EngineErrors.CallAsync(_endpoint, "create the container", () => CreateContainerAsync(parameters)).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the container without ever abandoning the request half-way: an abandoned create can still leave a
    /// container behind whose id nobody learns. A create takes milliseconds; a cancellation that arrives meanwhile is
    /// honoured right after it, and the new container is then stopped and removed like any other.
    /// </summary>
    private async Task<string> CreateContainerAsync(CreateContainerParameters parameters)
    {
        using var cts = new CancellationTokenSource(CleanupTimeout, _time);
        try
        {
            return (await _client.Containers.CreateContainerAsync(parameters, cts.Token).ConfigureAwait(false)).ID;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new EngineUnavailableException(_endpoint,
                new TimeoutException($"the engine did not create the container within {CleanupTimeout.TotalSeconds:0}s"));
        }
    }

    private async Task PullAsync(ContainerCommand command, CancellationToken token)
    {
        var (fromImage, tag) = ContainerSpecMapper.SplitImage(command.Image);
        string? error = null;
        var progress = new Progress(message =>
        {
            if (message.Error is { Message: { Length: > 0 } e })
            {
                error = e;
            }

            if (command.PullProgress is { } p && message.Status is { } status)
            {
                p.Report(new PullProgress(command.Image, status, message.ID, message.Progress?.Current, message.Progress?.Total));
            }
        });
        try
        {
            await _client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = fromImage, Tag = tag }, null, progress, token).ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            throw new ImageNotFoundException(command.Image, command.PullPolicy, EngineApiException.ExtractMessage(ex.ResponseBody));
        }
        catch (Exception ex) when (EngineErrors.Translate(_endpoint, "pull the image", ex) is { } translated)
        {
            throw translated;
        }

        if (error is not null)
        {
            throw new ImageNotFoundException(command.Image, command.PullPolicy, error);
        }
    }

    internal async Task StopQuietlyAsync(string id, TimeSpan grace)
    {
        using var cts = new CancellationTokenSource(CleanupTimeout, _time);
        try
        {
            if (grace <= TimeSpan.Zero)
            {
                // A stop with t=0 is sent without t, which the engine reads as its default of 10 s: kill instead.
                await _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" }, cts.Token).ConfigureAwait(false);
                return;
            }

            await _client.Containers.StopContainerAsync(id, new ContainerStopParameters
            {
                WaitBeforeKillSeconds = (uint)Math.Ceiling(grace.TotalSeconds),
            }, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerApiException or OperationCanceledException or HttpRequestException or IOException)
        {
            // Already gone or not running; removal (forced) follows anyway.
        }
    }

    internal async Task RemoveQuietlyAsync(string id)
    {
        using var cts = new CancellationTokenSource(CleanupTimeout, _time);
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cts.Token)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (EngineErrors.IsNotFound(ex) || ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Gone already, or its removal is already in progress.
        }
    }

    internal Task<T> CallAsync<T>(string operation, Func<Task<T>> call) => EngineErrors.CallAsync(_endpoint, operation, call);

    internal Task CallAsync(string operation, Func<Task> call) => EngineErrors.CallAsync(_endpoint, operation, call);

    private sealed class Progress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
