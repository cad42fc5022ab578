using System.IO.Pipelines;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>
/// One run as a backend sees it: the command, the run's id, what the hooks added, and the run's input and output.
/// Created by the core library for each run; a backend reads it and writes the run's output through it.
/// </summary>
/// <remarks>
/// Output written here goes, through bounded pipes, to the command's pipe targets; the last kilobytes are kept for
/// exceptions. A pipe target that throws (a closed pipe included) or an input source that fails cancels the run, and
/// that failure is what the caller sees. A target that returns early is not a failure: the rest is discarded.
/// </remarks>
public sealed class FunctionRunContext
{
    private readonly Action<string>? _onCreated;
    private readonly CancellationTokenSource? _runCts;
    private readonly Pipe? _stdoutPipe;
    private readonly Pipe? _stderrPipe;
    private readonly Task _consumers = Task.CompletedTask;
    private readonly TailBuffer _stdoutTail = new();
    private readonly TailBuffer _stderrTail = new();
    private Exception? _pipeFailure;
    private int _outputCompleted;

    internal FunctionRunContext(
        ContainerCommand command, string runId, bool detached, Action<string>? onCreated, CancellationTokenSource? runCts)
    {
        Command = command;
        RunId = runId;
        Detached = detached;
        Creation = new ContainerCreationContext(command, runId);
        _onCreated = onCreated;
        _runCts = runCts;
        if (!detached)
        {
            _stdoutPipe = new Pipe(OutputPump.PipeOptions);
            _stderrPipe = new Pipe(OutputPump.PipeOptions);
            var token = runCts?.Token ?? CancellationToken.None;
            // Each observed on its own: the first target to fail stops the run, without waiting for the other.
            _consumers = Task.WhenAll(
                ObserveAsync(OutputPump.ConsumeAsync(command.StandardOutputPipe, _stdoutPipe.Reader, token)),
                ObserveAsync(OutputPump.ConsumeAsync(command.StandardErrorPipe, _stderrPipe.Reader, token)));
        }
    }

    /// <summary>The command being run.</summary>
    public ContainerCommand Command { get; }

    /// <summary>The run's unique id (its <c>io.sdock.run</c> label).</summary>
    public string RunId { get; }

    /// <summary>True for a background run: no input, and the output stays with the backend (read through logs).</summary>
    public bool Detached { get; }

    /// <summary>True when the run has input to feed; create the container with an open stdin only then.</summary>
    public bool HasStandardInput => !Detached && !Command.StandardInputPipe.IsNull;

    /// <summary>What the run's hooks added: mounts, environment and labels to apply on top of the command's.</summary>
    public ContainerCreationContext Creation { get; }

    /// <summary>The id the caller knows the run by, once reported.</summary>
    public string? ReportedId { get; private set; }

    /// <summary>The last kilobytes of stdout, for error messages.</summary>
    internal string StandardOutputTail => _stdoutTail.ToString();

    /// <summary>The last kilobytes of stderr, for error messages.</summary>
    internal string StandardErrorTail => _stderrTail.ToString();

    /// <summary>The first failure of an input source or output target, if any.</summary>
    internal Exception? PipeFailure => Volatile.Read(ref _pipeFailure);

    /// <summary>
    /// Reports the id the caller knows the run by (the container id; on a Swarm, the task id) as soon as it exists.
    /// Only the first report counts.
    /// </summary>
    public void ReportId(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (ReportedId is null)
        {
            ReportedId = id;
            _onCreated?.Invoke(id);
        }
    }

    /// <summary>
    /// Copies the run's input into <paramref name="destination"/>, then calls <paramref name="closeInput"/> so the
    /// function sees end-of-file. A destination that closes early (the function exited without reading everything)
    /// is not an error. A failing source is recorded and cancels the run. The returned task never faults.
    /// </summary>
    public async Task FeedStandardInputAsync(Stream destination, Action closeInput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(closeInput);
        await Task.Yield();
        try
        {
            await Command.StandardInputPipe.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || TransportErrors.IsClosed(ex))
        {
            // Cancelled with the run, or the function stopped reading: neither is the input's failure.
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            try
            {
                closeInput();
            }
            catch (Exception ex) when (TransportErrors.IsClosed(ex))
            {
                // The connection is gone already: the function has its EOF.
            }
        }
    }

    /// <summary>Writes a chunk of the run's stdout. When the target stopped reading early, the rest is discarded.</summary>
    public ValueTask WriteStandardOutputAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        _stdoutTail.Append(chunk.Span);
        return _stdoutPipe is null ? ValueTask.CompletedTask : OutputPump.WriteAsync(_stdoutPipe.Writer, chunk, cancellationToken);
    }

    /// <summary>Writes a chunk of the run's stderr. When the target stopped reading early, the rest is discarded.</summary>
    public ValueTask WriteStandardErrorAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        _stderrTail.Append(chunk.Span);
        return _stderrPipe is null ? ValueTask.CompletedTask : OutputPump.WriteAsync(_stderrPipe.Writer, chunk, cancellationToken);
    }

    /// <summary>Ends the output: the targets see end-of-stream; waits until they are done with it.</summary>
    internal async Task CompleteOutputAsync()
    {
        if (Interlocked.Exchange(ref _outputCompleted, 1) == 0 && _stdoutPipe is not null)
        {
            await _stdoutPipe.Writer.CompleteAsync().ConfigureAwait(false);
            await _stderrPipe!.Writer.CompleteAsync().ConfigureAwait(false);
        }

        await _consumers.ConfigureAwait(false);
    }

    /// <summary>Ends the output of an abandoned run and waits for the targets, ignoring how they end.</summary>
    internal async Task AbandonOutputAsync()
    {
        try
        {
            await CompleteOutputAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The run's outcome is decided already; a target failing now adds nothing.
        }
    }

    private void Fail(Exception ex)
    {
        if (Interlocked.CompareExchange(ref _pipeFailure, ex, null) is null)
        {
            _runCts?.Cancel();
        }
    }

    private async Task ObserveAsync(Task consumer)
    {
        try
        {
            await consumer.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A target that throws — a closed pipe included, like SIGPIPE for a process — stops the run.
            Fail(ex);
            throw;
        }
    }
}
