namespace ServerlessDocker.IntegrationTests;

/// <summary>Clear, typed errors; hooks and their cleanup.</summary>
public sealed class ErrorTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_PullNeverAndMissingImage_ThrowsImageNotFoundNamingTheImage()
    {
        var test = new TestCase();
        var image = $"sdock-test/missing-{test.Id}:latest";

        var ex = await Assert.ThrowsAsync<ImageNotFoundException>(async () =>
            await engine.Command(test, image, "true").WithPullPolicy(PullPolicy.Never).ExecuteBufferedAsync(Ct));

        Assert.Equal(image, ex.Image);
        Assert.Equal(PullPolicy.Never, ex.PullPolicy);
        Assert.Contains(image, ex.Message);
        Assert.Contains("'never'", ex.Message);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteAsync_PullMissingAndImageNowhere_ThrowsImageNotFoundWithThePullError()
    {
        var test = new TestCase();
        var image = $"sdock-test/missing-{test.Id}:latest";

        // No registry has this image (and this machine reaches none): the pull is tried and fails.
        var ex = await Assert.ThrowsAsync<ImageNotFoundException>(async () =>
            await engine.Command(test, image, "true").WithPullPolicy(PullPolicy.Missing).ExecuteBufferedAsync(Ct));

        Assert.Equal(image, ex.Image);
        Assert.Equal(PullPolicy.Missing, ex.PullPolicy);
        Assert.False(string.IsNullOrWhiteSpace(ex.PullError), "the engine's pull error should be kept");
        Assert.Contains(image, ex.Message);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Theory(Timeout = 60000)]
    [InlineData("unix:///tmp/sdock-no-engine-here.sock")]
    [InlineData("tcp://127.0.0.1:1")]
    public async Task RunAsync_EngineUnreachable_ThrowsEngineUnavailableNamingTheEndpoint(string host)
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = host });
        await using var docker = DockerFunctions.Connect(endpoint);

        var ex = await Assert.ThrowsAsync<EngineUnavailableException>(() => docker.RunAsync("busybox", ["true"], Ct));

        Assert.Equal(endpoint.Uri, ex.Endpoint);
        Assert.Contains(endpoint.Uri.ToString().TrimEnd('/'), ex.Message);
        Assert.Contains("Start Docker", ex.Message);
    }

    [Fact(Timeout = 60000)]
    public async Task PingAsync_EngineUnreachable_ThrowsEngineUnavailable()
    {
        await using var docker = DockerFunctions.Connect(new DockerEndpoint { Uri = new Uri("unix:///tmp/sdock-no-engine-here.sock") });

        await Assert.ThrowsAsync<EngineUnavailableException>(() => docker.PingAsync(Ct));
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_Hook_AddsToTheContainerAndCleansUpAfterRemoval()
    {
        var test = new TestCase();
        var hook = new RecordingHook(test);

        var result = await engine.Command(test, "busybox", "sh", "-c", "echo \"$HOOKED\"; cat /hook/mounted 2>/dev/null || echo tmpfs-ok")
            .WithHook(hook)
            .ExecuteBufferedAsync(Ct);

        Assert.Equal("yes\ntmpfs-ok\n", result.StandardOutput);
        Assert.Equal(1, hook.Created);
        Assert.Equal(1, hook.CleanedUp);
        Assert.Equal(0, hook.ContainersAtCleanup);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_HookOnFailingRun_StillCleansUpAfterRemoval()
    {
        var test = new TestCase();
        var hook = new RecordingHook(test);

        await Assert.ThrowsAsync<ContainerExitException>(async () =>
            await engine.Command(test, "busybox", "sh", "-c", "exit 9").WithHook(hook).ExecuteBufferedAsync(Ct));

        Assert.Equal(1, hook.CleanedUp);
        Assert.Equal(0, hook.ContainersAtCleanup);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_HookOnTimedOutRun_StillCleansUpAfterRemoval()
    {
        var test = new TestCase();
        var hook = new RecordingHook(test);

        await Assert.ThrowsAsync<ContainerTimeoutException>(async () =>
            await engine.Command(test, "busybox", "sleep", "60").WithTimeout(TimeSpan.FromSeconds(1))
                .WithStopGracePeriod(TimeSpan.FromSeconds(1)).WithHook(hook).ExecuteBufferedAsync(Ct));

        Assert.Equal(1, hook.CleanedUp);
        Assert.Equal(0, hook.ContainersAtCleanup);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task ExecuteBufferedAsync_HookLabel_IsOnTheContainer()
    {
        var test = new TestCase();
        var hook = new RecordingHook(test);

        var task = engine.Command(test, "busybox", "sleep", "1").WithHook(hook).ExecuteBufferedAsync(Ct);
        var id = await task.ContainerId;
        var label = await DockerCli.RunAsync(Ct, "inspect", "--format", "{{index .Config.Labels \"io.sdock.test.hook\"}}", id);
        await task;

        Assert.Equal(test.Id, label.StandardOutput.Trim());
        await test.AssertNoContainersLeftAsync(Ct);
    }

    /// <summary>Adds env, a label and a tmpfs mount; its cleanup records whether the container was already gone.</summary>
    private sealed class RecordingHook(TestCase test) : IContainerRunHook
    {
        public int Created;
        public int CleanedUp;
        public int ContainersAtCleanup = -1;
        public TestCase Test { get; } = test;

        public Task<IAsyncDisposable?> OnCreatingAsync(ContainerCreationContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Created);
            context.Environment["HOOKED"] = "yes";
            context.Labels["io.sdock.test.hook"] = Test.Id;
            context.Mounts.Add(ContainerMount.Tmpfs("/hook"));
            return Task.FromResult<IAsyncDisposable?>(new Cleanup(this));
        }

        private sealed class Cleanup(RecordingHook hook) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                hook.ContainersAtCleanup = (await DockerCli.ContainerIdsAsync(hook.Test.Label, CancellationToken.None)).Count;
                Interlocked.Increment(ref hook.CleanedUp);
            }
        }
    }
}
