using System.Collections.Concurrent;
using System.Globalization;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Bench.Cron;

/// <summary>
/// Stands in for the engine: records when each run reached the runner against the slot it was scheduled for
/// (<c>SDOCK_SCHEDULED_TIME</c>), and answers at once, so what is measured is the scheduler's own dispatch.
/// </summary>
internal sealed class RecordingRunner(TimeProvider time) : IFunctionRunner
{
    public ConcurrentBag<(string RunName, double SkewMilliseconds)> Dispatched { get; } = [];

    public Task<InvocationResult> ExecuteAsync(FunctionDefinition fn, InvocationInput input, IResponseSink sink, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var slot = DateTimeOffset.Parse(fn.Environment["SDOCK_SCHEDULED_TIME"], CultureInfo.InvariantCulture);
        Dispatched.Add((input.RunName!, (now - slot).TotalMilliseconds));
        return Task.FromResult(new InvocationResult(InvocationOutcome.Completed, 200, 0, null, null, "", TimeSpan.Zero));
    }
}
