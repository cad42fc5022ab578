namespace ServerlessDocker.IntegrationTests;

/// <summary>A run ended by the kernel's out-of-memory killer says so; any other SIGKILL does not.</summary>
public sealed class OutOfMemoryTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // tail keeps its last line whole, and /dev/zero has no newline: 200 MB against a 16 MB limit.
    private static readonly string[] Hog = ["sh", "-c", "head -c 200m /dev/zero | tail"];

    [Fact(Timeout = 60000)]
    public async Task Execute_OverTheMemoryLimit_Exits137AndIsOomKilled()
    {
        var test = new TestCase();

        var result = await engine.Command(test, "busybox", Hog)
            .WithMemoryLimit(16 * 1024 * 1024)
            .WithValidation(ResultValidation.None)
            .ExecuteBufferedAsync(Ct);

        Assert.Equal(137, result.ExitCode);
        Assert.True(result.OomKilled);
        await test.AssertNoContainersLeftAsync(Ct);
    }

    [Fact(Timeout = 60000)]
    public async Task Execute_KilledBySigkillWithinItsLimit_Exits137AndIsNotOomKilled()
    {
        var test = new TestCase();

        // PID 1 cannot be sent SIGKILL from inside its container: a child is, and its status is the container's.
        var result = await engine.Command(test, "busybox", "sh", "-c", "sleep 30 & kill -9 $!; wait $!")
            .WithMemoryLimit(16 * 1024 * 1024)
            .WithValidation(ResultValidation.None)
            .ExecuteAsync(Ct);

        Assert.Equal(137, result.ExitCode);
        Assert.False(result.OomKilled);
        await test.AssertNoContainersLeftAsync(Ct);
    }
}
