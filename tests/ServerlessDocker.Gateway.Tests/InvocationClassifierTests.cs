using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Tests;

public sealed class InvocationClassifierTests
{
    private static readonly FunctionDefinition Fn = new() { Name = "f", Image = "img", Timeout = TimeSpan.FromMilliseconds(1500), MaxResponseBytes = 10 };

    private static readonly OutputResult Streamed = new(OutputKind.Streamed, 201);
    private static readonly OutputResult CutOff = new(OutputKind.CutOff);

    private static (InvocationOutcome Outcome, int Status, string? Error) Classify(Exception? error, long? exit, OutputResult output, bool cancelled = false) =>
        InvocationClassifier.Classify(Fn, new RunFacts(error, exit, output, cancelled));

    [Fact(Timeout = 10000)]
    public void Classify_Timeout_WinsOverCutOffAndCancellation()
    {
        var (outcome, status, error) = Classify(new ContainerTimeoutException("img", "c", Fn.Timeout), null, CutOff, cancelled: true);

        Assert.Equal((InvocationOutcome.TimedOut, 504), (outcome, status));
        Assert.Contains("timed out after 1.5s", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public void Classify_CutOff_WinsOverTheCancellationItCaused()
    {
        var (outcome, status, error) = Classify(new OperationCanceledException(), null, CutOff, cancelled: true);

        Assert.Equal((InvocationOutcome.ResponseTooLarge, 502), (outcome, status));
        Assert.Contains("maxResponse (10 bytes)", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public void Classify_CallerGone_Disconnected499()
    {
        var result = Classify(new ImageNotFoundException("img", PullPolicy.Never), null, OutputResult.None, cancelled: true);

        Assert.Equal((InvocationOutcome.Disconnected, 499), (result.Outcome, result.Status));
    }

    [Theory(Timeout = 10000)]
    [InlineData("image", "ImageNotFound", 502)]
    [InlineData("engine", "EngineUnavailable", 503)]
    [InlineData("command", "Refused", 400)]
    [InlineData("name", "NameTaken", 409)]
    [InlineData("other", "Failed", 502)]
    public void Classify_RunError_ByType(string kind, string expected, int status)
    {
        Exception error = kind switch
        {
            "image" => new ImageNotFoundException("img", PullPolicy.Never),
            "engine" => new EngineUnavailableException(new Uri("unix:///nowhere.sock")),
            "command" => new InvalidCommandException("stdin", "the Swarm backend cannot feed stdin"),
            "name" => new ContainerNameConflictException("cron-f-202612012300"),
            _ => new IOException("connection reset"),
        };

        var result = Classify(error, null, OutputResult.None);

        Assert.Equal((Enum.Parse<InvocationOutcome>(expected), status), (result.Outcome, result.Status));
        Assert.NotNull(result.Error);
    }

    [Fact(Timeout = 10000)]
    public void Classify_StreamedThenNonZeroExit_StatusKeptErrorNoted()
    {
        var (outcome, status, error) = Classify(null, 2, Streamed);

        Assert.Equal((InvocationOutcome.Completed, 201), (outcome, status));
        Assert.Equal("function 'f' exited with code 2 after its response", error);
    }

    [Theory(Timeout = 10000)]
    [InlineData(0L, "Completed", 200)]
    [InlineData(1L, "FunctionFailed", 500)]
    public void Classify_Plain_ExitCodeDecides(long exit, string expected, int status)
    {
        var result = Classify(null, exit, new OutputResult(OutputKind.Buffered));

        Assert.Equal((Enum.Parse<InvocationOutcome>(expected), status), (result.Outcome, result.Status));
    }

    [Fact(Timeout = 10000)]
    public void Classify_InvalidCgi_502WithTheParseError()
    {
        var (outcome, status, error) = Classify(null, 0, new OutputResult(OutputKind.Invalid, Detail: "no blank line"));

        Assert.Equal((InvocationOutcome.InvalidResponse, 502), (outcome, status));
        Assert.EndsWith("no blank line", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10000)]
    public void Classify_LocalRedirect_NotAFinalStatus() =>
        Assert.Equal(InvocationOutcome.LocalRedirect, Classify(null, 0, new OutputResult(OutputKind.LocalRedirect, Detail: "/x")).Outcome);

    [Theory(Timeout = 10000)]
    [InlineData("Completed", 200, false)]
    [InlineData("Completed", 404, false)]
    [InlineData("Completed", 408, true)]
    [InlineData("Completed", 429, true)]
    [InlineData("Completed", 500, true)]
    [InlineData("TimedOut", 504, true)]
    [InlineData("Refused", 400, true)]
    [InlineData("Busy", 429, false)]
    [InlineData("NameTaken", 409, false)]
    [InlineData("Disconnected", 499, false)]
    public void IsFailure_Outcome_RetriedOnlyForFailures(string outcome, int status, bool failure) =>
        Assert.Equal(failure, new InvocationResult(Enum.Parse<InvocationOutcome>(outcome), status, null, null, null, "", TimeSpan.Zero).IsFailure);
}
