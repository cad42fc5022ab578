using System.Text;

namespace ServerlessDocker.Tests.Running;

/// <summary>
/// A scripted backend for lifecycle tests: records every call the lifecycle makes and runs <see cref="Behaviour"/>
/// as the run's body. No engine is involved.
/// </summary>
internal sealed class FakeBackend(TimeProvider time) : IFunctionBackend
{
    public string Name => "fake";

    public TimeProvider Time => time;

    /// <summary>Every step in order: validate, create, run, detach, stop, dispose, and the hooks' own entries.</summary>
    public List<string> Calls { get; } = [];

    public Exception? RefuseWith { get; set; }

    public Exception? RemoveFails { get; set; }

    public List<FunctionRunContext> Contexts { get; } = [];

    /// <summary>The run's body: write output, read input, wait; returns the exit.</summary>
    public Func<FunctionRunContext, CancellationToken, Task<FunctionExit>> Behaviour { get; set; } =
        (_, _) => Task.FromResult(new FunctionExit(0));

    public void Validate(ContainerCommand command, bool detached)
    {
        Record("validate");
        if (RefuseWith is not null)
        {
            throw RefuseWith;
        }
    }

    public Task<IFunctionRun> CreateRunAsync(FunctionRunContext context, CancellationToken cancellationToken)
    {
        Record("create");
        lock (Contexts)
        {
            Contexts.Add(context);
        }

        context.ReportId("c-" + context.RunId[..6]);
        return Task.FromResult<IFunctionRun>(new Run(this, context));
    }

    public void Record(string call)
    {
        lock (Calls)
        {
            Calls.Add(call);
        }
    }

    public static ValueTask WriteAsync(FunctionRunContext context, string stdout, string stderr = "", CancellationToken ct = default) =>
        WriteBothAsync(context, stdout, stderr, ct);

    private static async ValueTask WriteBothAsync(FunctionRunContext context, string stdout, string stderr, CancellationToken ct)
    {
        if (stdout.Length > 0)
        {
            await context.WriteStandardOutputAsync(Encoding.UTF8.GetBytes(stdout), ct);
        }

        if (stderr.Length > 0)
        {
            await context.WriteStandardErrorAsync(Encoding.UTF8.GetBytes(stderr), ct);
        }
    }

    private sealed class Run(FakeBackend backend, FunctionRunContext context) : IFunctionRun
    {
        public string Id => "c-" + context.RunId[..6];

        public async Task<FunctionExit> RunToExitAsync(CancellationToken cancellationToken)
        {
            backend.Record("run");
            return await backend.Behaviour(context, cancellationToken);
        }

        public Task<DetachedRun> StartDetachedAsync(CancellationToken cancellationToken)
        {
            backend.Record("detach");
            return Task.FromResult<DetachedRun>(new Detached(backend, Id, context.Command.Image));
        }

        public Task StopAsync(TimeSpan gracePeriod)
        {
            backend.Record($"stop {gracePeriod.TotalSeconds:0}s");
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            backend.Record("dispose");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Detached(FakeBackend backend, string id, string image) : DetachedRun
    {
        public override string Id => id;

        public override string Image => image;

        public override Task<ContainerResult> WaitAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new ContainerResult(id, 0, backend.Time.GetUtcNow(), backend.Time.GetUtcNow()));

        public override async IAsyncEnumerable<ContainerEvent> ReadLogsAsync(
            bool follow = true, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield break;
        }

        public override Task CopyLogsToAsync(Stream standardOutput, Stream standardError, bool follow = false, CancellationToken cancellationToken = default) =>
            Task.CompletedTask;

        public override Task KillAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        protected override ValueTask RemoveAsync()
        {
            backend.Record("remove detached");
            return backend.RemoveFails is { } e ? ValueTask.FromException(e) : ValueTask.CompletedTask;
        }
    }
}

/// <summary>A hook that records when it runs and when its cleanup is disposed.</summary>
internal sealed class RecordingHook(FakeBackend backend, string name, Exception? fail = null) : IContainerRunHook
{
    public Task<IAsyncDisposable?> OnCreatingAsync(ContainerCreationContext context, CancellationToken cancellationToken)
    {
        backend.Record($"hook {name}");
        if (fail is not null)
        {
            throw fail;
        }

        context.Environment[$"HOOK_{name.ToUpperInvariant()}"] = "1";
        return Task.FromResult<IAsyncDisposable?>(new Cleanup(backend, name));
    }

    private sealed class Cleanup(FakeBackend backend, string name) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            backend.Record($"cleanup {name}");
            return ValueTask.CompletedTask;
        }
    }
}
