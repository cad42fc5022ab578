using ServerlessDocker.IntegrationTests;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(LeakCheckLastOrderer))]

namespace ServerlessDocker.IntegrationTests;

/// <summary>Runs alone and last (non-parallel collections run after the parallel ones; the orderer puts it at the end).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LeakCheckCollection
{
    public const string Name = "ZZ leak check (runs last)";
}

/// <summary>At the end of the suite no container of this test run is left on the engine.</summary>
[Collection(LeakCheckCollection.Name)]
public sealed class LeakCheckTests(EngineFixture engine)
{
    [Fact(Timeout = 60000)]
    public async Task Suite_AtTheEnd_LeavesNoContainerOfThisRun()
    {
        var ct = TestContext.Current.CancellationToken;

        // What this run labelled, and what this process owns (runs made without the test labels, e.g. RunAsync).
        var left = (await DockerCli.ContainerIdsAsync(engine.RunLabel, ct))
            .Concat(await DockerCli.ContainerIdsAsync($"{FunctionLabels.Owner}={FunctionLabels.CurrentOwner}", ct))
            .Distinct()
            .ToArray();
        await DockerCli.RemoveAsync(left, CancellationToken.None);

        Assert.True(left.Length == 0, $"Leak: {left.Length} container(s) of this test run were left on the engine (now removed): {string.Join(", ", left)}");
    }
}

/// <summary>Keeps xunit's default order but moves the leak check to the very end.</summary>
public sealed class LeakCheckLastOrderer : ITestCollectionOrderer
{
    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection
    {
        var ordered = DefaultTestCollectionOrderer.Instance.OrderTestCollections(testCollections);
        return [.. ordered.Where(c => c.TestCollectionDisplayName != LeakCheckCollection.Name),
            .. ordered.Where(c => c.TestCollectionDisplayName == LeakCheckCollection.Name)];
    }
}
