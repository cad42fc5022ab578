using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;

namespace ServerlessDocker;

/// <summary>The buffered and event-stream ways to run a <see cref="ContainerCommand"/>.</summary>
public static class ContainerCommandExecution
{
    /// <summary>
    /// Runs the command and collects stdout and stderr (separately) in memory, up to
    /// <see cref="ContainerCommand.OutputLimitBytes"/> each; the pipes already set on the command still receive the output too.
    /// </summary>
    /// <exception cref="ContainerExitException">The exit code was not zero (unless validation is off); carries both outputs.</exception>
    /// <exception cref="OutputLimitExceededException">A stream went over the cap; the container was stopped and removed.</exception>
    public static ContainerTask<BufferedContainerResult> ExecuteBufferedAsync(
        this ContainerCommand command, CancellationToken cancellationToken = default)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var limit = command.OutputLimitBytes;
        var inner = command
            .WithStandardOutputPipe(PipeTarget.Merge(command.StandardOutputPipe, CappedBuffer(stdout, limit, command.Image)))
            .WithStandardErrorPipe(PipeTarget.Merge(command.StandardErrorPipe, CappedBuffer(stderr, limit, command.Image)))
            .ExecuteAsync(() => (stdout.ToString(), stderr.ToString()), cancellationToken);

        return new ContainerTask<BufferedContainerResult>(CompleteAsync(), inner.ContainerId);

        async Task<BufferedContainerResult> CompleteAsync()
        {
            var result = await inner.Task.ConfigureAwait(false);
            return new BufferedContainerResult(result, stdout.ToString(), stderr.ToString());
        }
    }

    /// <summary>
    /// Runs the command and yields what happens as events: started, each stdout and stderr line, exited.
    /// A non-zero exit yields <see cref="ExitedContainerEvent"/> and then throws <see cref="ContainerExitException"/>
    /// (with the output's tails), unless validation is off.
    /// </summary>
    public static async IAsyncEnumerable<ContainerEvent> ListenAsync(
        this ContainerCommand command, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Bounded: a slow consumer slows the container's output down instead of buffering it all.
        var channel = Channel.CreateBounded<ContainerEvent>(new BoundedChannelOptions(1024) { SingleReader = true });
        var listened = command
            .WithStandardOutputPipe(PipeTarget.Merge(command.StandardOutputPipe,
                PipeTarget.ToDelegate((line, ct) => channel.Writer.WriteAsync(new StandardOutputContainerEvent(line), ct).AsTask())))
            .WithStandardErrorPipe(PipeTarget.Merge(command.StandardErrorPipe,
                PipeTarget.ToDelegate((line, ct) => channel.Writer.WriteAsync(new StandardErrorContainerEvent(line), ct).AsTask())));

        // A consumer that stops listening early must not leave the container blocked on a full channel.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The started event is written when the container exists, before any output can be: the channel is empty then.
        var run = ContainerRun.ExecuteAsync(
            listened, id => channel.Writer.TryWrite(new StartedContainerEvent(id)), fullOutput: null, stop.Token);
        _ = run.ContinueWith(
            _ => channel.Writer.TryComplete(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            if (!run.IsCompleted)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await run.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ServerlessDockerException)
                {
                    // The listener left: the container was stopped and removed; how it ended is no one's concern now.
                }
            }
        }

        ContainerExitException? exit = null;
        long exitCode;
        try
        {
            exitCode = (await run.ConfigureAwait(false)).ExitCode;
        }
        catch (ContainerExitException ex)
        {
            exit = ex;
            exitCode = ex.ExitCode;
        }

        yield return new ExitedContainerEvent(exitCode);
        if (exit is not null)
        {
            ExceptionDispatchInfo.Throw(exit);
        }
    }

    private static PipeTarget CappedBuffer(StringBuilder builder, long limit, string image) =>
        PipeTarget.Create(async (source, ct) =>
        {
            var decoder = Encoding.UTF8.GetDecoder();
            var bytes = new byte[16384];
            var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(bytes, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw new OutputLimitExceededException(image, limit);
                }

                var n = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                builder.Append(chars, 0, n);
            }

            var last = decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
            builder.Append(chars, 0, last);
        });
}
