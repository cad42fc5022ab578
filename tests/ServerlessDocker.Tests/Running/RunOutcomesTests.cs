namespace ServerlessDocker.Tests.Running;

public sealed class RunOutcomesTests
{
    private static readonly Exception Cancelled = new OperationCanceledException();
    private static readonly Exception Broken = new IOException("connection reset");
    private static readonly Exception Pipe = new InvalidDataException("target failed");

    [Fact]
    public void Classify_CallerCancelled_WinsOverTimeoutAndPipe() =>
        Assert.Equal(RunOutcome.Cancelled, RunOutcomes.Classify(Cancelled, Pipe, callerCancelled: true, timedOut: true));

    [Fact]
    public void Classify_PipeFailedWithoutTimeoutOrCancel_IsThePipesFailure() =>
        Assert.Equal(RunOutcome.PipeFailed, RunOutcomes.Classify(Cancelled, Pipe, callerCancelled: false, timedOut: false));

    [Fact]
    public void Classify_TimeoutInterruptingTheRun_IsTimedOut()
    {
        Assert.Equal(RunOutcome.TimedOut, RunOutcomes.Classify(Cancelled, null, callerCancelled: false, timedOut: true));
        Assert.Equal(RunOutcome.TimedOut, RunOutcomes.Classify(Broken, Pipe, callerCancelled: false, timedOut: true));
    }

    [Fact]
    public void Classify_AnotherErrorDuringTheTimeout_StandsAsItIs() =>
        Assert.Equal(RunOutcome.Failed, RunOutcomes.Classify(new ImageNotFoundException("x", PullPolicy.Never), null, false, timedOut: true));

    [Fact]
    public void Classify_PlainFailure_StandsAsItIs() =>
        Assert.Equal(RunOutcome.Failed, RunOutcomes.Classify(new InvalidOperationException(), null, false, false));
}
