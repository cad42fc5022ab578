using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>
/// Runs one call in a fresh container: request body to stdin, stdout parsed as a CGI response (or taken as the body in
/// plain mode) and streamed to the sink, stderr to the log. Returns an outcome instead of throwing (request hot path).
/// </summary>
internal sealed class FunctionExecutor(DockerFunctions docker, SwarmBackendProvider swarm, ScopedAccessProvider scopedAccess, TimeProvider time, ILogger<FunctionExecutor> logger)
{
    private const int CopyBufferSize = 16 * 1024;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionRequest request, IResponseSink sink, CancellationToken cancellationToken)
    {
        var fn = request.Function;
        var env = CgiEnvironment.Build(request.Request, request.ScriptName, request.PathInfo, request.ContentLength, request.PassAuthorization);
        foreach (var (key, value) in fn.Environment)
        {
            env[key] = value;
        }

        if (fn.Backend == BackendKind.Swarm && request.ContentLength is > 0)
        {
            // Swarm services have no attach, so no stdin: refuse rather than silently drop the body.
            var refused = $"function '{fn.Name}' runs on the Swarm backend, which cannot take a request body (Swarm services have no stdin)";
            var code = await FailAsync(sink, 400, refused, cancellationToken).ConfigureAwait(false);
            return new ExecutionResult(code, null, null, refused, "", TimeSpan.Zero, null);
        }

        var stderr = new StderrCollector(fn.Name, request.CallId, logger);
        var state = new RunState();
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var plain = fn.Mode == FunctionMode.Plain ? new MemoryStream() : null;
        var stdout = plain is null
            ? PipeTarget.Create((s, ct) => PumpCgiAsync(s, sink, fn, state, runCts, ct))
            : PipeTarget.Create((s, ct) => BufferPlainAsync(s, plain, fn, state, runCts, ct));

        var command = docker.Command(fn.Image, fn.Arguments)
            .WithEnvironment(env)
            .WithLabel(GatewayLabels.Function, fn.Name)
            .WithLabel(GatewayLabels.Call, request.CallId)
            .WithMemoryLimit(fn.MemoryBytes)
            .WithCpus(fn.Cpus)
            .WithPidsLimit(fn.PidsLimit)
            .WithNetworkMode(fn.NetworkMode)
            .WithReadOnlyRootFilesystem(fn.ReadOnlyRootFilesystem)
            .WithTimeout(fn.Timeout)
            .WithValidation(ResultValidation.None)
            .WithStandardInputPipe(request.Body is null || fn.Backend == BackendKind.Swarm ? PipeSource.Null : PipeSource.FromStream(request.Body))
            .WithStandardOutputPipe(stdout)
            .WithStandardErrorPipe(PipeTarget.ToDelegate(stderr.OnLine));

        if (fn.ScopedDockerAccess)
        {
            command = command.WithHook(scopedAccess.HookFor(fn.DockerAccessPolicyPath));
        }

        if (fn.Backend == BackendKind.Swarm)
        {
            // Swarm (API 1.41) has no "none" network for services ("network none not found"): a task with no network
            // attached is the closest it gets, so "none" means "attach nothing" there.
            command = command.WithBackend(swarm.Get());
            if (fn.NetworkMode == "none")
            {
                command = command.WithNetworkMode(null);
            }
        }

        var started = time.GetTimestamp();
        var run = command.ExecuteAsync(runCts.Token);
        long? exitCode = null;
        string? error = null;
        int status;
        try
        {
            var result = await run.Task.ConfigureAwait(false);
            exitCode = result.ExitCode;
            (status, error) = await FinishAsync(fn, sink, state, plain, result.ExitCode, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerTimeoutException)
        {
            error = $"function '{fn.Name}' timed out after {Format(fn.Timeout)}; its container was stopped and removed";
            status = await FailAsync(sink, 504, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (state.TooLarge)
        {
            error = $"function '{fn.Name}' wrote more than maxResponse ({fn.MaxResponseBytes} bytes); the call was cut off";
            status = await FailAsync(sink, 502, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away (or the gateway is stopping): the core stopped and removed the container.
            error = "the client disconnected; the container was stopped and removed";
            status = ExecutionResult.ClientClosedRequest;
        }
        catch (ImageNotFoundException ex)
        {
            error = $"function '{fn.Name}': image '{fn.Image}' not found ({ex.Message})";
            status = await FailAsync(sink, 502, error, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineUnavailableException ex)
        {
            error = $"the Docker engine is not reachable: {ex.Message}";
            status = await FailAsync(sink, 503, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Anything else (engine API errors, a dying connection): a failed upstream, never an unhandled request.
            error = $"function '{fn.Name}' failed: {ex.Message}";
            status = await FailAsync(sink, 502, error, cancellationToken).ConfigureAwait(false);
        }

        var containerId = run.ContainerId.IsCompletedSuccessfully ? run.ContainerId.Result : null;
        var duration = time.GetElapsedTime(started);
        if (error is not null && status != ExecutionResult.ClientClosedRequest)
        {
            logger.LogWarning("{Function} {CallId} → {Status}: {Error}", fn.Name, request.CallId, status, error);
        }

        return new ExecutionResult(status, exitCode, containerId, error, stderr.ToString(), duration, state.LocalRedirect);
    }

    private static async Task<(int Status, string? Error)> FinishAsync(
        FunctionDefinition fn, IResponseSink sink, RunState state, MemoryStream? plain, long exitCode, CancellationToken cancellationToken)
    {
        if (plain is not null)
        {
            if (exitCode != 0)
            {
                var message = $"function '{fn.Name}' exited with code {exitCode}";
                return (await FailAsync(sink, 500, message, cancellationToken).ConfigureAwait(false), message);
            }

            sink.Start(200, [new("Content-Type", fn.PlainContentType)]);
            await sink.WriteAsync(plain.GetBuffer().AsMemory(0, (int)plain.Length), cancellationToken).ConfigureAwait(false);
            return (200, null);
        }

        if (state.ParseError is { } parseError)
        {
            var message = $"function '{fn.Name}' did not return a valid CGI response (exit code {exitCode}): {parseError}";
            return (await FailAsync(sink, 502, message, cancellationToken).ConfigureAwait(false), message);
        }

        if (state.LocalRedirect is not null)
        {
            return (0, null);
        }

        // Headers were valid and the body was streamed; a non-zero exit after that cannot change the status any more.
        return (state.Status, exitCode == 0 ? null : $"function '{fn.Name}' exited with code {exitCode} after its response");
    }

    private static async Task PumpCgiAsync(Stream stdout, IResponseSink sink, FunctionDefinition fn, RunState state, CancellationTokenSource runCts, CancellationToken ct)
    {
        var parsed = await CgiResponseParser.ReadHeadAsync(stdout, CgiResponseParser.DefaultMaxHeaderBytes, ct).ConfigureAwait(false);
        if (parsed.Head is not { } head)
        {
            state.ParseError = parsed.Error;
            await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }

        if (head.IsLocalRedirect)
        {
            state.LocalRedirect = head.Location;
            await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }

        var headers = head.Location is null ? head.Headers : [.. head.Headers, new("Location", head.Location)];
        try
        {
            sink.Start(head.StatusCode, headers);
        }
        catch (InvalidOperationException ex)
        {
            // Kestrel refuses header values with control characters: that is a malformed response too.
            state.ParseError = ex.Message;
            await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return;
        }

        state.Status = head.StatusCode;
        long written = 0;

        // Even an empty write flushes: the client gets the headers as soon as the program has printed them.
        if (!await WriteLimitedAsync(head.BodyStart).ConfigureAwait(false))
        {
            return;
        }

        var buffer = new byte[CopyBufferSize];
        int read;
        while ((read = await stdout.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (!await WriteLimitedAsync(buffer.AsMemory(0, read)).ConfigureAwait(false))
            {
                return;
            }
        }

        async Task<bool> WriteLimitedAsync(ReadOnlyMemory<byte> data)
        {
            written += data.Length;
            if (written > fn.MaxResponseBytes)
            {
                state.TooLarge = true;
                await runCts.CancelAsync().ConfigureAwait(false);
                return false;
            }

            await sink.WriteAsync(data, ct).ConfigureAwait(false);
            return true;
        }
    }

    private static async Task BufferPlainAsync(Stream stdout, MemoryStream buffer, FunctionDefinition fn, RunState state, CancellationTokenSource runCts, CancellationToken ct)
    {
        var chunk = new byte[CopyBufferSize];
        int read;
        while ((read = await stdout.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > fn.MaxResponseBytes)
            {
                state.TooLarge = true;
                await runCts.CancelAsync().ConfigureAwait(false);
                return;
            }

            buffer.Write(chunk, 0, read);
        }
    }

    private static async Task<int> FailAsync(IResponseSink sink, int status, string message, CancellationToken cancellationToken)
    {
        if (sink.HasStarted)
        {
            // Too late for a status: cut the response off so the client cannot mistake it for a complete one.
            sink.Abort();
            return status;
        }

        try
        {
            // The message may quote the program's output: never let a browser sniff it as HTML.
            sink.Start(status, [new("Content-Type", "text/plain; charset=utf-8"), new("X-Content-Type-Options", "nosniff")]);
            await sink.WriteAsync(Encoding.UTF8.GetBytes(message + "\n"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client is gone; nothing to tell it.
        }

        return status;
    }

    private static string Format(TimeSpan t) =>
        t.TotalSeconds >= 1 ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";

    private sealed class RunState
    {
        public string? ParseError { get; set; }

        public string? LocalRedirect { get; set; }

        public bool TooLarge { get; set; }

        public int Status { get; set; }
    }
}
