using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Swarm;

namespace ServerlessDocker.Gateway.Functions;

/// <summary>
/// Runs one call in a fresh container: request body to stdin, stdout parsed as a CGI response (or taken as the body in
/// plain mode) and streamed to the sink, stderr to the log. Returns an outcome instead of throwing (request hot path).
/// </summary>
internal sealed class FunctionExecutor(FunctionCommandFactory commands, TimeProvider time, ILogger<FunctionExecutor> logger) : IFunctionRunner
{
    private const int CopyBufferSize = 16 * 1024;

    // The pump returns once stdout ends; after the run it ends at once, so this only guards against a stuck stream.
    private static readonly TimeSpan PumpDrainLimit = TimeSpan.FromSeconds(5);

    public async Task<InvocationResult> ExecuteAsync(FunctionDefinition fn, InvocationInput input, IResponseSink sink, CancellationToken cancellationToken)
    {
        var stderr = new StderrCollector(fn.Name, input.CallId, logger);
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var plain = fn.Mode == FunctionMode.Plain ? new MemoryStream() : null;
        Task<OutputResult>? pump = null;
        var stdout = plain is null
            ? PipeTarget.Create((s, ct) => pump = PumpCgiAsync(s, sink, fn, runCts, ct))
            : PipeTarget.Create((s, ct) => pump = BufferPlainAsync(s, plain, fn, runCts, ct));

        var started = time.GetTimestamp();
        ContainerTask<ContainerResult>? run = null;
        Exception? error = null;
        long? exitCode = null;
        string? node = null;
        try
        {
            run = commands.Create(fn, input, stdout, PipeTarget.ToDelegate(stderr.OnLine)).ExecuteAsync(runCts.Token);
            var result = await run.Task.ConfigureAwait(false);
            (exitCode, node) = (result.ExitCode, result.Node);
        }
        catch (Exception ex)
        {
            // Every failure becomes an outcome below: a failed call is an answer, never an unhandled request.
            error = ex;
            node = (ex as SwarmTaskException)?.NodeHostname;
        }

        var output = await DrainAsync(pump).ConfigureAwait(false);
        var (outcome, status, message) = InvocationClassifier.Classify(fn, new RunFacts(error, exitCode, output, cancellationToken.IsCancellationRequested));
        if (outcome == InvocationOutcome.Completed && plain is not null && !await WritePlainAsync(sink, fn, plain, cancellationToken).ConfigureAwait(false))
        {
            (outcome, status, message) = (InvocationOutcome.Disconnected, InvocationResult.ClientClosedRequest, "the client disconnected before the response was sent");
        }
        else if (outcome is not (InvocationOutcome.Completed or InvocationOutcome.LocalRedirect or InvocationOutcome.Disconnected))
        {
            await FailureResponse.WriteAsync(sink, status, message!, cancellationToken).ConfigureAwait(false);
        }

        if (message is not null && outcome != InvocationOutcome.Disconnected)
        {
            logger.LogWarning("{Function} {CallId} → {Status}: {Error}", fn.Name, input.CallId, status, message);
        }

        var containerId = run is not null && run.ContainerId.IsCompletedSuccessfully ? run.ContainerId.Result : null;
        var redirect = outcome == InvocationOutcome.LocalRedirect ? output.Detail : null;
        return new InvocationResult(outcome, status, exitCode, containerId, message, stderr.ToString(), time.GetElapsedTime(started), redirect, node);
    }

    private async Task<OutputResult> DrainAsync(Task<OutputResult>? pump)
    {
        if (pump is null)
        {
            return OutputResult.None;
        }

        try
        {
            return await pump.WaitAsync(PumpDrainLimit, time).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pump failed with the run (client gone, stream reset): the run's own error tells what happened.
            return OutputResult.None;
        }
    }

    private static async Task<bool> WritePlainAsync(IResponseSink sink, FunctionDefinition fn, MemoryStream plain, CancellationToken cancellationToken)
    {
        try
        {
            sink.Start(200, [new("Content-Type", fn.PlainContentType)]);
            await sink.WriteAsync(plain.GetBuffer().AsMemory(0, (int)plain.Length), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<OutputResult> PumpCgiAsync(Stream stdout, IResponseSink sink, FunctionDefinition fn, CancellationTokenSource runCts, CancellationToken ct)
    {
        var parsed = await CgiResponseParser.ReadHeadAsync(stdout, CgiResponseParser.DefaultMaxHeaderBytes, ct).ConfigureAwait(false);
        if (parsed.Head is not { } head)
        {
            await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return new OutputResult(OutputKind.Invalid, Detail: parsed.Error);
        }

        if (head.IsLocalRedirect)
        {
            await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return new OutputResult(OutputKind.LocalRedirect, Detail: head.Location);
        }

        var headers = head.Location is null ? head.Headers : [.. head.Headers, new("Location", head.Location)];
        try
        {
            sink.Start(head.StatusCode, headers);
        }
        catch (InvalidOperationException ex)
        {
            // Kestrel refuses header values with control characters: that is a malformed response too.
            await stdout.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return new OutputResult(OutputKind.Invalid, Detail: ex.Message);
        }

        var cutOff = new OutputResult(OutputKind.CutOff);
        long written = 0;

        // Even an empty write flushes: the client gets the headers as soon as the program has printed them.
        if (!await WriteLimitedAsync(head.BodyStart).ConfigureAwait(false))
        {
            return cutOff;
        }

        var buffer = new byte[CopyBufferSize];
        int read;
        while ((read = await stdout.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (!await WriteLimitedAsync(buffer.AsMemory(0, read)).ConfigureAwait(false))
            {
                return cutOff;
            }
        }

        return new OutputResult(OutputKind.Streamed, head.StatusCode);

        async Task<bool> WriteLimitedAsync(ReadOnlyMemory<byte> data)
        {
            written += data.Length;
            if (written > fn.MaxResponseBytes)
            {
                await runCts.CancelAsync().ConfigureAwait(false);
                return false;
            }

            await sink.WriteAsync(data, ct).ConfigureAwait(false);
            return true;
        }
    }

    private static async Task<OutputResult> BufferPlainAsync(Stream stdout, MemoryStream buffer, FunctionDefinition fn, CancellationTokenSource runCts, CancellationToken ct)
    {
        var chunk = new byte[CopyBufferSize];
        int read;
        while ((read = await stdout.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > fn.MaxResponseBytes)
            {
                await runCts.CancelAsync().ConfigureAwait(false);
                return new OutputResult(OutputKind.CutOff);
            }

            buffer.Write(chunk, 0, read);
        }

        return new OutputResult(OutputKind.Buffered);
    }
}
