using ServerlessDocker.Warm;

namespace ServerlessDocker.IntegrationTests;

/// <summary>Warm pools for the tests: the agent scripts/agent published, containers labelled with the test's case.</summary>
internal static class WarmPools
{
    /// <summary>The FROM-scratch test image with no shell (tests/images/warm-scratch).</summary>
    public const string ScratchImage = "sdock-test/warm-scratch";

    public static string AgentPath
    {
        get
        {
            var path = Path.Combine(RepositoryRoot.Path, "artifacts", "warm-agent", "sdock-agent");
            Assert.True(File.Exists(path), $"the warm agent is not published at {path}: run scripts/agent (scripts/images runs it)");
            return path;
        }
    }

    public static WarmPool Create(EngineFixture engine, TestCase test, string image, WarmPoolOptions? options = null) =>
        engine.Docker.WarmPool(engine.Command(test, image), (options ?? new WarmPoolOptions { Min = 0, Max = 2 }) with { AgentPath = AgentPath });
}
