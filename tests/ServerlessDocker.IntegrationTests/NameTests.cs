namespace ServerlessDocker.IntegrationTests;

/// <summary>Deterministic names on the real engine: a name is a claim, one run per name.</summary>
public sealed class NameTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task WithName_ContainerCarriesTheName_AndASecondRunWithItIsRefusedTyped()
    {
        var test = new TestCase();
        var name = "sdock-it-" + test.Id[..12];

        var first = await engine.Command(test, "busybox", "sleep", "30").WithName(name).StartDetachedAsync(Ct);
        await using (first)
        {
            var inspect = await DockerCli.RunAsync(Ct, "inspect", "--format", "{{.Name}} {{.Id}}", name);
            Assert.Equal($"/{name} {first.Id}", inspect.StandardOutput.Trim());

            var ex = await Assert.ThrowsAsync<ContainerNameConflictException>(() =>
                engine.Command(test, "busybox", "echo", "second").WithName(name).ExecuteBufferedAsync(Ct).Task);
            Assert.Equal(name, ex.Name);
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }

        // Once the first is gone the name is free again, and an attached run with it completes and is removed.
        var again = await engine.Command(test, "busybox", "echo", "free").WithName(name).ExecuteBufferedAsync(Ct);
        Assert.Equal("free\n", again.StandardOutput);
        var left = await DockerCli.RunAsync(Ct, "ps", "-a", "-q", "--filter", $"name=^/{name}$");
        Assert.Equal("", left.StandardOutput.Trim());
    }
}
