// One cluster, shared: the tests run one after another (the node-loss test stops and restarts a node).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
