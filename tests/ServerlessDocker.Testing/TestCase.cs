namespace ServerlessDocker.Testing;

/// <summary>One test's identity on the engine: its own label value, for oracle queries.</summary>
public sealed class TestCase
{
    /// <summary>The value of <see cref="EngineFixture.CaseLabelName"/> for this test.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The case label as NAME=VALUE.</summary>
    public string Label => $"{EngineFixture.CaseLabelName}={Id}";

    /// <summary>Asserts (through the docker CLI) that none of this test's containers exists any more.</summary>
    public async Task AssertNoContainersLeftAsync(CancellationToken cancellationToken)
    {
        var left = await DockerCli.ContainerIdsAsync(Label, cancellationToken);
        if (left.Count > 0)
        {
            await DockerCli.RemoveAsync(left, CancellationToken.None);
        }

        Assert.True(left.Count == 0, $"containers left behind by this test: {string.Join(", ", left)}");
    }
}
