using System.Globalization;
using System.Runtime.ExceptionServices;

namespace ServerlessDocker;

/// <summary>Runs one command many times at once, on any backend (on a Swarm, spread over the cluster).</summary>
public static class FanOut
{
    /// <summary>The environment variable that tells each task its position, 0 to replicas-1.</summary>
    public const string TaskIndexVariable = "SDOCK_TASK_INDEX";

    /// <summary>The environment variable that tells each task how many tasks there are.</summary>
    public const string TaskCountVariable = "SDOCK_TASK_COUNT";

    /// <summary>
    /// Runs the command <paramref name="replicas"/> times, at most <paramref name="maxConcurrent"/> at once, and returns
    /// each task's output, exit code and node, in index order.
    /// </summary>
    /// <remarks>
    /// Each task sees <c>SDOCK_TASK_INDEX</c> (0-based) and <c>SDOCK_TASK_COUNT</c>, and carries the label
    /// <c>io.sdock.task.index</c>. A non-zero exit is reported in its <see cref="FanOutResult"/>, not thrown. A task that
    /// cannot run (rejected, pending past a start timeout, node lost, timeout, output over the cap) stops the whole
    /// fan-out: the other tasks are stopped and removed and that error is thrown.
    /// </remarks>
    /// <param name="command">The command; every task runs it with the same options.</param>
    /// <param name="replicas">How many tasks, at least 1.</param>
    /// <param name="maxConcurrent">How many run at once; 0 means all.</param>
    /// <param name="cancellationToken">Stops and removes every task and throws <see cref="OperationCanceledException"/>.</param>
    public static async Task<IReadOnlyList<FanOutResult>> RunManyAsync(
        this ContainerCommand command, int replicas, int maxConcurrent = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (replicas < 1)
        {
            throw new InvalidCommandException("replicas", $"{replicas} is not a task count; use 1 or more.");
        }

        if (maxConcurrent < 0)
        {
            throw new InvalidCommandException("max-concurrent", $"{maxConcurrent} is not a limit; use 1 or more, or 0 for all at once.");
        }

        // Refuse what the backend cannot run once, not once per task.
        CommandChecks.Validate(command);
        command.Backend.Validate(command, detached: false);
        using var gate = new SemaphoreSlim(maxConcurrent == 0 ? replicas : maxConcurrent);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var count = replicas.ToString(CultureInfo.InvariantCulture);
        var runs = Enumerable.Range(0, replicas).Select(async index =>
        {
            await gate.WaitAsync(failFast.Token).ConfigureAwait(false);
            try
            {
                var i = index.ToString(CultureInfo.InvariantCulture);
                var result = await command
                    .WithEnvironment(TaskIndexVariable, i)
                    .WithEnvironment(TaskCountVariable, count)
                    .WithLabel(FunctionLabels.TaskIndex, i)
                    .WithValidation(ResultValidation.None)
                    .ExecuteBufferedAsync(failFast.Token).ConfigureAwait(false);
                return new FanOutResult(index, result);
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
            throw new OperationCanceledException("The fan-out was cancelled; its tasks were stopped and removed.", ex, cancellationToken);
        }
    }
}

/// <summary>The outcome of one task of a fan-out (<see cref="FanOut.RunManyAsync"/>).</summary>
public sealed class FanOutResult
{
    internal FanOutResult(int index, BufferedContainerResult result)
    {
        Index = index;
        ContainerId = result.ContainerId;
        Node = result.Node;
        ExitCode = result.ExitCode;
        StandardOutput = result.StandardOutput;
        StandardError = result.StandardError;
        StartTime = result.StartTime;
        ExitTime = result.ExitTime;
    }

    /// <summary>The task's position, 0 to replicas-1 (the task also sees it as <c>SDOCK_TASK_INDEX</c>).</summary>
    public int Index { get; }

    /// <summary>The container (on a Swarm, the task) id.</summary>
    public string ContainerId { get; }

    /// <summary>The node's hostname on a Swarm; null on a single engine.</summary>
    public string? Node { get; }

    /// <summary>The exit code.</summary>
    public long ExitCode { get; }

    /// <summary>True when the exit code is zero.</summary>
    public bool IsSuccess => ExitCode == 0;

    /// <summary>Everything the task wrote to stdout.</summary>
    public string StandardOutput { get; }

    /// <summary>Everything the task wrote to stderr.</summary>
    public string StandardError { get; }

    /// <summary>When the task's run began.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>When the task's exit was observed.</summary>
    public DateTimeOffset ExitTime { get; }

    /// <summary>From the start of the run to its observed exit.</summary>
    public TimeSpan RunTime => ExitTime - StartTime;
}
