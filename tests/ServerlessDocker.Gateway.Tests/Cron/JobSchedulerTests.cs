using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Execution;
using ServerlessDocker.Gateway.Functions;
using ServerlessDocker.Gateway.Http;
using ServerlessDocker.Gateway.Observability;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.Tests.Cron;

/// <summary>
/// The scheduler loop on a fake clock with a fake runner standing in for the engine (whose name uniqueness it
/// imitates): two schedulers with separate stores run each slot once, with the environment and names of the contract.
/// </summary>
public sealed class JobSchedulerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T21:00:00.2Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ClaimingRunner _runner = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("sdock-cron-unit-").FullName;
    private readonly List<JobScheduler> _schedulers = [];

    // Nothing listens here: adoption and claim clean-up fail quietly, as they must when the engine is away.
    private readonly DockerFunctions _docker = DockerFunctions.Connect(DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/sdock-test.sock" }));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _schedulers)
        {
            await s.StopAsync(CancellationToken.None);
            s.Dispose();
        }

        await _docker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private JobScheduler Scheduler(string name, GatewayConfig config)
    {
        var source = new StaticGatewayConfigSource(config);
        var concurrency = new FunctionConcurrency();
        var metrics = new GatewayMetrics(concurrency);
        var invoker = new FunctionInvoker(_runner, concurrency, new FunctionRouter(source, new ContainerFunctionsOptions()), metrics, new InvocationLog(), _time, NullLogger<FunctionInvoker>.Instance);
        var store = new JobStore(Path.Combine(_dir, name + ".db"));
        store.InitializeAsync(_time.GetUtcNow(), Ct).GetAwaiter().GetResult();
        var scheduler = new JobScheduler(source, invoker, store, new JobClaims(_docker, new SwarmBackendProvider(_docker, source, _time), _time, NullLogger<JobClaims>.Instance), new JobMetrics(metrics), _docker, new JobWebhooks(source, _time, NullLogger<JobWebhooks>.Instance), _time, NullLogger<JobScheduler>.Instance);
        _schedulers.Add(scheduler);
        return scheduler;
    }

    [Fact(Timeout = 30000)]
    public async Task TwoSchedulersWithSeparateStoresRunEachSlotOnce()
    {
        var config = GatewayConfigLoader.Parse("jobs:\n  beat:\n    schedule: '@every 1s'\n    image: busybox\n    env: { K: v }\n");
        var a = Scheduler("a", config);
        var b = Scheduler("b", config);
        await a.StartAsync(Ct);
        await b.StartAsync(Ct);

        // Both have seen the job (its watermark is the start time) before the clock moves.
        await WaitForStateAsync("a", "beat");
        await WaitForStateAsync("b", "beat");

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await WaitForAsync(() => _runner.Attempts.Count >= 2 * (i + 1));
        }

        var won = _runner.Won.ToList();
        Assert.Equal(["20261201T210001Z", "20261201T210002Z", "20261201T210003Z", "20261201T210004Z", "20261201T210005Z"],
            won.Select(c => c.Input.RunName![^16..]).Order(StringComparer.Ordinal));
        Assert.All(won, c =>
        {
            Assert.Equal("sdock-cron-beat-" + c.Input.RunName![^16..], c.Input.RunName);
            Assert.Equal("beat", c.Function.Environment["SDOCK_JOB"]);
            Assert.Equal(c.Input.RunName[^16..], c.Function.Environment["SDOCK_SCHEDULED_TIME"].Replace("-", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal));
            Assert.Equal("1", c.Function.Environment["SDOCK_ATTEMPT"]);
            Assert.Equal(c.Input.CallId, c.Function.Environment["SDOCK_RUN_ID"]);
            Assert.Equal("v", c.Function.Environment["K"]);
            Assert.Equal("beat", c.Input.Labels![JobRunNames.JobLabel]);
            Assert.True(c.Input.KeepContainer);
        });
        Assert.Equal(5, _runner.Attempts.Count - won.Count);
    }

    [Fact(Timeout = 30000)]
    public async Task AnEarlyWakeDoesNotRunASlotTwice()
    {
        var config = GatewayConfigLoader.Parse("jobs:\n  beat:\n    schedule: '*/10 * * * *'\n    image: busybox\n");
        var scheduler = Scheduler("early", config);
        _time.SetUtcNow(DateTimeOffset.Parse("2026-12-02T08:49:59.999Z", System.Globalization.CultureInfo.InvariantCulture));
        await scheduler.StartAsync(Ct);
        await WaitForStateAsync("early", "beat");
        Assert.Empty(_runner.Attempts);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForAsync(() => _runner.Attempts.Count == 1);
        scheduler.Wake();
        scheduler.Wake();
        await Task.Delay(300, Ct);
        var only = Assert.Single(_runner.Attempts);
        Assert.Equal("2026-12-02T08:50:00Z", only.Function.Environment["SDOCK_SCHEDULED_TIME"]);
    }

    private async Task WaitForStateAsync(string scheduler, string job)
    {
        var store = new JobStore(Path.Combine(_dir, scheduler + ".db"));
        for (var i = 0; i < 500 && (await store.GetStateAsync(job, Ct)).Watermark is null; i++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.NotNull((await store.GetStateAsync(job, Ct)).Watermark);

        // The state is saved before the first plan: give the loop its turn to reach its sleep.
        await Task.Delay(300, Ct);
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var i = 0; i < 200 && !done(); i++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(done(), "the scheduler did not get there");
    }

    /// <summary>Imitates the engine's name uniqueness: the first run with a name runs, the others get NameTaken.</summary>
    private sealed class ClaimingRunner : IFunctionRunner
    {
        private readonly HashSet<string> _names = [];

        public List<(FunctionDefinition Function, InvocationInput Input, bool Won)> Log { get; } = [];

        public List<(FunctionDefinition Function, InvocationInput Input)> Attempts
        {
            get
            {
                lock (_names)
                {
                    return [.. Log.Select(l => (l.Function, l.Input))];
                }
            }
        }

        public IEnumerable<(FunctionDefinition Function, InvocationInput Input)> Won
        {
            get
            {
                lock (_names)
                {
                    return [.. Log.Where(l => l.Won).Select(l => (l.Function, l.Input))];
                }
            }
        }

        public Task<InvocationResult> ExecuteAsync(FunctionDefinition fn, InvocationInput input, IResponseSink sink, CancellationToken cancellationToken)
        {
            bool won;
            lock (_names)
            {
                won = _names.Add(input.RunName!);
                Log.Add((fn, input, won));
            }

            return Task.FromResult(won
                ? new InvocationResult(InvocationOutcome.Completed, 200, 0, null, null, "", TimeSpan.FromMilliseconds(5))
                : new InvocationResult(InvocationOutcome.NameTaken, 409, null, null, "taken", "", TimeSpan.Zero));
        }
    }
}
