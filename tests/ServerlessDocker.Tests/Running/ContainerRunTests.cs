using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace ServerlessDocker.Tests.Running;

/// <summary>The one run lifecycle, driven through a scripted backend and a fake clock.</summary>
public sealed class ContainerRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeBackend _backend;

    public ContainerRunTests() => _backend = new FakeBackend(_time);

    private ContainerCommand Command(params string[] args) => TestCommands.Create("img", args).WithBackend(_backend);

    [Fact]
    public async Task Execute_Success_RunsHooksCreatesRunsThenDisposesThenCleansUpInOrder()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            Assert.Equal("1", ctx.Creation.Environment["HOOK_A"]);
            await FakeBackend.WriteAsync(ctx, "out\n", "err\n", ct);
            _time.Advance(TimeSpan.FromSeconds(3));
            return new FunctionExit(0, "node1");
        };

        var result = await Command().WithHook(new RecordingHook(_backend, "a")).ExecuteBufferedAsync(Ct);

        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
        Assert.Equal("node1", result.Node);
        Assert.Equal(TimeSpan.FromSeconds(3), result.RunTime);
        Assert.StartsWith("c-", result.ContainerId, StringComparison.Ordinal);
        Assert.Equal(["validate", "hook a", "create", "run", "dispose", "cleanup a"], _backend.Calls);
    }

    [Fact]
    public async Task Execute_ContainerIdTask_CompletesWithTheReportedIdBeforeTheRunEnds()
    {
        var release = new TaskCompletionSource<FunctionExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Behaviour = (_, _) => release.Task;

        var run = Command().ExecuteAsync(Ct);
        var id = await run.ContainerId.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(run.Task.IsCompleted);
        release.SetResult(new FunctionExit(0));

        Assert.Equal(id, (await run).ContainerId);
    }

    [Fact]
    public async Task Execute_NonZeroExit_ThrowsWithTheOutputTailsAndDoesNotStop()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            await FakeBackend.WriteAsync(ctx, "partial\n", "boom\n", ct);
            return new FunctionExit(3);
        };

        var ex = await Assert.ThrowsAsync<ContainerExitException>(() => Command("a").ExecuteAsync(Ct).Task);

        Assert.Equal(3, ex.ExitCode);
        Assert.Equal("partial\n", ex.StandardOutput);
        Assert.Equal("boom\n", ex.StandardError);
        Assert.True(ex.OutputIsTail);
        Assert.DoesNotContain(_backend.Calls, c => c.StartsWith("stop", StringComparison.Ordinal));
        Assert.Equal("dispose", _backend.Calls[^1]);
    }

    [Fact]
    public async Task ExecuteBuffered_NonZeroExit_CarriesTheWholeOutputNotATail()
    {
        var big = new string('x', 100_000) + "\n";
        _backend.Behaviour = async (ctx, ct) =>
        {
            await FakeBackend.WriteAsync(ctx, big, "", ct);
            return new FunctionExit(1);
        };

        var ex = await Assert.ThrowsAsync<ContainerExitException>(() => Command().ExecuteBufferedAsync(Ct).Task);

        Assert.Equal(big, ex.StandardOutput);
        Assert.False(ex.OutputIsTail);
    }

    [Fact]
    public async Task Execute_ValidationOff_ReturnsTheNonZeroExit()
    {
        _backend.Behaviour = (_, _) => Task.FromResult(new FunctionExit(7));

        var result = await Command().WithValidation(ResultValidation.None).ExecuteAsync(Ct);

        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public async Task Execute_TimeoutOnTheFakeClock_StopsWithTheGracePeriodRemovesAndThrowsTimeout()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Behaviour = async (_, ct) =>
        {
            running.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new FunctionExit(0);
        };

        var run = Command().WithTimeout(TimeSpan.FromSeconds(30)).WithStopGracePeriod(TimeSpan.FromSeconds(4)).ExecuteAsync(Ct);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(run.Task.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<ContainerTimeoutException>(() => run.Task);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.Timeout);
        Assert.Equal(await run.ContainerId, ex.ContainerId);
        Assert.Equal(["validate", "create", "run", "stop 4s", "dispose"], _backend.Calls);
    }

    [Fact]
    public async Task Execute_CallerCancels_ThrowsCancellationWithTheCallersTokenAfterStopAndRemove()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        _backend.Behaviour = async (_, ct) =>
        {
            await cts.CancelAsync();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new FunctionExit(0);
        };

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Command().WithTimeout(TimeSpan.FromMinutes(1)).ExecuteAsync(cts.Token).Task);

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Contains("stopped and removed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["validate", "create", "run", "stop 2s", "dispose"], _backend.Calls);
    }

    [Fact]
    public async Task Execute_CancelledBeforeStart_CreatesNothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Command().ExecuteAsync(cts.Token).Task);

        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Execute_OutputTargetThrows_KillsTheRunAtOnceAndThrowsTheTargetsError()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            await FakeBackend.WriteAsync(ctx, "line\n", "", ct);
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new FunctionExit(0);
        };
        var failing = PipeTarget.ToDelegate(_ => throw new InvalidDataException("target broke"));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => (Command() | failing).ExecuteAsync(Ct).Task);

        Assert.Equal("target broke", ex.Message);
        // Nobody can take the output any more (SIGPIPE for a container): no grace period.
        Assert.Contains("stop 0s", _backend.Calls);
        Assert.Equal("dispose", _backend.Calls[^1]);
    }

    [Fact]
    public async Task ExecuteBuffered_OutputOverTheCap_ThrowsOutputLimitExceeded()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            for (var i = 0; i < 100; i++)
            {
                await FakeBackend.WriteAsync(ctx, new string('y', 1000), "", ct);
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new FunctionExit(0);
        };

        await Assert.ThrowsAsync<OutputLimitExceededException>(() => Command().WithOutputLimit(10_000).ExecuteBufferedAsync(Ct).Task);
        Assert.Contains("stop 0s", _backend.Calls);
    }

    [Fact]
    public async Task Execute_InputSourceFails_ThatFailureIsWhatTheCallerSees()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            Assert.True(ctx.HasStandardInput);
            await ctx.FeedStandardInputAsync(Stream.Null, () => { }, ct);
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new FunctionExit(0);
        };
        var source = PipeSource.Create((_, _) => throw new InvalidOperationException("source broke"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => (source | Command()).ExecuteAsync(Ct).Task);

        Assert.Equal("source broke", ex.Message);
    }

    [Fact]
    public async Task Execute_InputDestinationClosesEarly_IsNotAnErrorAndInputIsClosed()
    {
        var closed = false;
        _backend.Behaviour = async (ctx, ct) =>
        {
            await ctx.FeedStandardInputAsync(new ClosedStream(), () => closed = true, ct);
            return new FunctionExit(0);
        };

        await (PipeSource.FromString("data") | Command()).ExecuteAsync(Ct);

        Assert.True(closed);
    }

    [Fact]
    public async Task Execute_HookFails_NothingIsCreatedAndEarlierHooksAreCleanedUp()
    {
        var command = Command()
            .WithHook(new RecordingHook(_backend, "a"))
            .WithHook(new RecordingHook(_backend, "b", new InvalidCommandException("hook", "refused")));

        await Assert.ThrowsAsync<InvalidCommandException>(() => command.ExecuteAsync(Ct).Task);

        Assert.Equal(["validate", "hook a", "hook b", "cleanup a"], _backend.Calls);
    }

    [Fact]
    public async Task Execute_BackendRefuses_NoHookRunsAndNothingIsCreated()
    {
        _backend.RefuseWith = new InvalidCommandException("stdin", "no attach here");

        await Assert.ThrowsAsync<InvalidCommandException>(() => Command().WithHook(new RecordingHook(_backend, "a")).ExecuteAsync(Ct).Task);

        Assert.Equal(["validate"], _backend.Calls);
    }

    [Fact]
    public async Task Listen_NonZeroExit_YieldsStartedLinesExitedThenThrowsWithTails()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            await FakeBackend.WriteAsync(ctx, "one\ntwo\n", "bad\n", ct);
            return new FunctionExit(2);
        };
        var events = new List<ContainerEvent>();

        var ex = await Assert.ThrowsAsync<ContainerExitException>(async () =>
        {
            await foreach (var e in Command().ListenAsync(Ct))
            {
                events.Add(e);
            }
        });

        Assert.IsType<StartedContainerEvent>(events[0]);
        Assert.Equal(["one", "two"], events.OfType<StandardOutputContainerEvent>().Select(e => e.Text));
        Assert.Equal(["bad"], events.OfType<StandardErrorContainerEvent>().Select(e => e.Text));
        Assert.Equal(2, Assert.IsType<ExitedContainerEvent>(events[^1]).ExitCode);
        Assert.Equal("bad\n", ex.StandardError);
        Assert.Equal("one\ntwo\n", ex.StandardOutput);
    }

    [Fact]
    public async Task Listen_ConsumerLeavesEarly_StopsAndRemovesTheRun()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            for (var i = 0; ; i++)
            {
                await FakeBackend.WriteAsync(ctx, $"line {i}\n", "", ct);
                await Task.Yield();
            }
        };

        await foreach (var e in Command().ListenAsync(Ct))
        {
            if (e is StandardOutputContainerEvent)
            {
                break;
            }
        }

        Assert.Contains("stop 2s", _backend.Calls);
        Assert.Equal("dispose", _backend.Calls[^1]);
    }

    [Fact]
    public async Task Detached_HandleDisposal_RemovesThenCleansUpHooksAndNeverThrows()
    {
        _backend.RemoveFails = new IOException("engine gone");
        var handle = await Command().WithHook(new RecordingHook(_backend, "a")).StartDetachedAsync(Ct);
        Assert.DoesNotContain("cleanup a", _backend.Calls);

        await handle.DisposeAsync();
        await handle.DisposeAsync();

        Assert.Equal(["validate", "hook a", "create", "detach", "remove detached", "cleanup a"], _backend.Calls);
        Assert.True(_backend.Contexts[0].Detached);
        Assert.False(_backend.Contexts[0].HasStandardInput);
    }

    [Fact]
    public async Task Detached_WithTimeout_IsRefusedBeforeAnythingIsCreated()
    {
        var ex = await Assert.ThrowsAsync<InvalidCommandException>(() => Command().WithTimeout(TimeSpan.FromSeconds(5)).StartDetachedAsync(Ct));

        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Detached_WithStdin_IsRefusedBeforeAnythingIsCreated()
    {
        await Assert.ThrowsAsync<InvalidCommandException>(() => (PipeSource.FromString("x") | Command()).StartDetachedAsync(Ct));

        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task RunMany_AnyBackend_EachTaskSeesItsIndexAndResultsComeInIndexOrder()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            var env = ctx.Command.Environment;
            await FakeBackend.WriteAsync(ctx, $"{env[FanOut.TaskIndexVariable]}/{env[FanOut.TaskCountVariable]}", "", ct);
            return new FunctionExit(int.Parse(env[FanOut.TaskIndexVariable], System.Globalization.CultureInfo.InvariantCulture) % 2);
        };

        var results = await Command().RunManyAsync(replicas: 5, maxConcurrent: 2, Ct);

        Assert.Equal(["0/5", "1/5", "2/5", "3/5", "4/5"], results.Select(r => r.StandardOutput));
        Assert.Equal([0L, 1, 0, 1, 0], results.Select(r => r.ExitCode));
        Assert.All(_backend.Contexts, c => Assert.True(c.Command.Labels.ContainsKey(FunctionLabels.TaskIndex)));
    }

    [Fact]
    public async Task RunMany_OneTaskCannotRun_StopsTheOthersAndThrowsThatError()
    {
        _backend.Behaviour = async (ctx, ct) =>
        {
            if (ctx.Command.Environment[FanOut.TaskIndexVariable] == "2")
            {
                throw new InvalidCommandException("task", "task 2 cannot run");
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new FunctionExit(0);
        };

        var ex = await Assert.ThrowsAsync<InvalidCommandException>(() => Command().RunManyAsync(replicas: 4, cancellationToken: Ct));

        Assert.Contains("task 2 cannot run", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, _backend.Calls.Count(c => c == "dispose"));
    }

    [Theory]
    [InlineData("cron-job-1", true)]
    [InlineData("a", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("-leading-dash", false)]
    [InlineData("has space", false)]
    [InlineData("slash/name", false)]
    [InlineData("", false)]
    public void WithName_ChecksTheEnginesNameRule(string name, bool valid)
    {
        if (valid)
        {
            Assert.Equal(name, Command().WithName(name).Name);
        }
        else
        {
            var ex = Assert.Throws<InvalidCommandException>(() => Command().WithName(name));
            Assert.Contains("container name", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WithBackendOptions_AreTypedAndKeptAcrossOtherChanges()
    {
        var command = Command().WithBackendOptions(new StringBuilder("opts")).WithArguments("x");

        Assert.Equal("opts", command.GetBackendOptions<StringBuilder>()!.ToString());
        Assert.Null(command.GetBackendOptions<Uri>());
    }

    private sealed class ClosedStream : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("broken pipe");
    }
}
