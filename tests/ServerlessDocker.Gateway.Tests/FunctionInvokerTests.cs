using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Functions;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Observability;

namespace ServerlessDocker.Gateway.Tests;

public sealed class FunctionInvokerTests : IDisposable
{
    private static readonly FunctionDefinition Front = new() { Name = "front", Image = "front", Route = "/front" };
    private static readonly FunctionDefinition Back = new() { Name = "back", Image = "back", Route = "/back" };

    private readonly FunctionConcurrency _concurrency = new();
    private readonly FakeRunner _runner = new();
    private readonly FakeTimeProvider _time = new();
    private readonly GatewayMetrics _metrics;
    private readonly InvocationLog _log = new();
    private readonly FunctionInvoker _invoker;

    public FunctionInvokerTests()
    {
        var config = new StaticGatewayConfigSource(new GatewayConfig
        {
            Functions = new Dictionary<string, FunctionDefinition> { [Front.Name] = Front, [Back.Name] = Back },
        });
        _metrics = new GatewayMetrics(_concurrency);
        var router = new FunctionRouter(config, new ContainerFunctionsOptions());
        _invoker = new FunctionInvoker(_runner, _concurrency, router, _metrics, _log, _time, NullLogger<FunctionInvoker>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InvocationInput Input(string id = "call-1", bool invokeAuthorized = false) =>
        new(id, new CgiRequest { Method = "POST", RawTarget = "/front", Path = "/front" }, "/front", "", new MemoryStream([1, 2]), 2, false, invokeAuthorized);

    private FunctionInvoker InvokerWithToken(FunctionDefinition publicFront, FunctionDefinition privateBack)
    {
        var config = new StaticGatewayConfigSource(new GatewayConfig
        {
            Gateway = new GatewayOptions { InvokeToken = "secret" },
            Functions = new Dictionary<string, FunctionDefinition> { [publicFront.Name] = publicFront, [privateBack.Name] = privateBack },
        });
        return new FunctionInvoker(_runner, _concurrency, new FunctionRouter(config, new ContainerFunctionsOptions()), _metrics, _log, _time, NullLogger<FunctionInvoker>.Instance);
    }

    [Theory(Timeout = 10000)]
    [InlineData("/back/x")]
    [InlineData("/BACK/x")]
    [InlineData("/function/back/x")]
    [InlineData("/function%2Fback/x")]
    public async Task InvokeAsync_RedirectToAFunctionNeedingTheToken_CallerWithoutIt_GetsTheRedirectNotTheFunction(string location)
    {
        var invoker = InvokerWithToken(Front with { RequireAuth = false }, Back);
        _runner.Script(Redirect(location), Answer(201));
        var sink = new BufferedResponseSink(1024);

        var result = await invoker.InvokeAsync(Front, Input(), sink, InvocationKind.Sync, Ct);

        Assert.Equal(302, result.StatusCode);
        Assert.Equal(["front"], _runner.Calls.Select(c => c.Function.Name));
    }

    [Fact(Timeout = 10000)]
    public async Task InvokeAsync_RedirectToAFunctionNeedingTheToken_CallerWithIt_Followed()
    {
        var invoker = InvokerWithToken(Front, Back);
        _runner.Script(Redirect("/back/x"), Answer(201));
        var sink = new BufferedResponseSink(1024);

        var result = await invoker.InvokeAsync(Front, Input(invokeAuthorized: true), sink, InvocationKind.Sync, Ct);

        Assert.Equal(201, result.StatusCode);
        Assert.Equal(["front", "back"], _runner.Calls.Select(c => c.Function.Name));
    }

    [Fact(Timeout = 10000)]
    public async Task InvokeAsync_LocalRedirect_FollowedAsGetOfTheTargetWithoutBody()
    {
        _runner.Script(Redirect("/back/x?q=1"), Answer(201));
        var sink = new BufferedResponseSink(1024);

        var result = await _invoker.InvokeAsync(Front, Input(), sink, InvocationKind.Sync, Ct);

        Assert.Equal(InvocationOutcome.Completed, result.Outcome);
        Assert.Equal(201, result.StatusCode);
        Assert.Equal(["front", "back"], _runner.Calls.Select(c => c.Function.Name));
        var second = _runner.Calls[1].Input;
        Assert.Equal(("GET", "/back", "/x", "q=1"), (second.Request.Method, second.ScriptName, second.PathInfo, second.Request.Query));
        Assert.Null(second.Body);
        Assert.Null(second.ContentLength);
    }

    [Fact(Timeout = 10000)]
    public async Task InvokeAsync_RedirectLoop_StopsAtTheCapAndAnswers302()
    {
        _runner.Always(Redirect("/front"));
        var sink = new BufferedResponseSink(1024);

        var result = await _invoker.InvokeAsync(Front, Input(), sink, InvocationKind.Async, Ct);

        // The first run plus MaxLocalRedirects followed redirects; the next redirect goes to the caller.
        Assert.Equal(FunctionInvoker.MaxLocalRedirects + 1, _runner.Calls.Count);
        Assert.Equal((InvocationOutcome.Completed, 302), (result.Outcome, result.StatusCode));
        Assert.Equal(302, sink.StatusCode);
        Assert.Contains(new KeyValuePair<string, string>("Location", "/front"), sink.Headers);
        Assert.Equal(302, _log.Find("call-1")!.Status);
    }

    [Fact(Timeout = 10000)]
    public async Task InvokeAsync_RedirectToUnservedPath_Answers302WithoutAnotherRun()
    {
        _runner.Script(Redirect("/nowhere"));
        var sink = new BufferedResponseSink(1024);

        var result = await _invoker.InvokeAsync(Front, Input(), sink, InvocationKind.Sync, Ct);

        Assert.Single(_runner.Calls);
        Assert.Equal(302, result.StatusCode);
        Assert.Contains(new KeyValuePair<string, string>("Location", "/nowhere"), sink.Headers);
    }

    [Fact(Timeout = 10000)]
    public async Task InvokeAsync_NoSlot_Busy429WithRetryAfterAndNothingRun()
    {
        var fn = Front with { Concurrency = 1, QueueLength = 0 };
        using var held = await _concurrency.AcquireAsync(fn, TimeSpan.FromSeconds(1), _time, Ct);
        var sink = new BufferedResponseSink(1024);

        var result = await _invoker.InvokeAsync(fn, Input(), sink, InvocationKind.Sync, Ct);

        Assert.Equal((InvocationOutcome.Busy, 429), (result.Outcome, result.StatusCode));
        Assert.False(result.IsFailure);
        Assert.Empty(_runner.Calls);
        Assert.Contains(new KeyValuePair<string, string>("Retry-After", "1"), sink.Headers);
        Assert.StartsWith("429 function 'front' is busy", System.Text.Encoding.UTF8.GetString(sink.Body), StringComparison.Ordinal);
        Assert.Null(_log.Find("call-1"));
    }

    [Fact(Timeout = 10000)]
    public async Task InvokeAsync_Finished_OneMetricAndOneLogRecordUnderTheFinalFunction()
    {
        _runner.Script(Redirect("/back"), Answer(200) with { Error = "late exit", ExitCode = 3 });

        await _invoker.InvokeAsync(Front, Input(), new BufferedResponseSink(1024), InvocationKind.Async, Ct);

        Assert.Equal(1, _metrics.Invocations.WithLabels("back", "async", "200").Value);
        Assert.Equal(0, _metrics.Invocations.WithLabels("front", "async", "200").Value);
        Assert.Equal(0, _metrics.InFlight.WithLabels("back").Value);
        var record = _log.Find("call-1")!;
        Assert.Equal(("back", InvocationKind.Async, 200, 3L, "late exit"), (record.Function, record.Kind, record.Status, record.ExitCode!.Value, record.Error));
    }

    [Fact(Timeout = 10000)]
    public async Task InvokeAsync_WhileRunning_InFlightCountedAndRunningRecordLogged()
    {
        var release = new TaskCompletionSource<InvocationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _runner.Pending = release.Task;

        var call = _invoker.InvokeAsync(Front, Input(), new BufferedResponseSink(1024), InvocationKind.Sync, Ct);

        Assert.Equal(1, _metrics.InFlight.WithLabels("front").Value);
        Assert.Equal(0, _log.Find("call-1")!.Status);
        release.SetResult(Answer(200));
        await call;
        Assert.Equal(0, _metrics.InFlight.WithLabels("front").Value);
        Assert.Equal(200, _log.Find("call-1")!.Status);
    }

    public void Dispose() => _concurrency.Dispose();

    private static InvocationResult Redirect(string location) =>
        new(InvocationOutcome.LocalRedirect, 0, 0, "c", null, "", TimeSpan.FromMilliseconds(5), location);

    private static InvocationResult Answer(int status) =>
        new(InvocationOutcome.Completed, status, 0, "c", null, "", TimeSpan.FromMilliseconds(5));

    private sealed class FakeRunner : IFunctionRunner
    {
        private readonly Queue<InvocationResult> _script = new();
        private InvocationResult? _always;

        public List<(FunctionDefinition Function, InvocationInput Input)> Calls { get; } = [];

        public Task<InvocationResult>? Pending { get; set; }

        public void Script(params InvocationResult[] results)
        {
            foreach (var r in results)
            {
                _script.Enqueue(r);
            }
        }

        public void Always(InvocationResult result) => _always = result;

        public Task<InvocationResult> ExecuteAsync(FunctionDefinition fn, InvocationInput input, IResponseSink sink, CancellationToken cancellationToken)
        {
            Calls.Add((fn, input));
            if (Pending is { } pending)
            {
                return pending;
            }

            var result = _always ?? _script.Dequeue();
            if (result.Outcome == InvocationOutcome.Completed)
            {
                sink.Start(result.StatusCode, []);
            }

            return Task.FromResult(result);
        }
    }
}
