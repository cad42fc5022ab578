// Test classes run in parallel, two at a time (the engine has two cores); tests within a class run in order.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]
