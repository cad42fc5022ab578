// One proxy for the whole run; test classes run two at a time (2 cores), tests within a class in order.
[assembly: AssemblyFixture(typeof(ProxyEnvironment))]
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]
