namespace ServerlessDocker.Swarm;

/// <summary>The labels on every Swarm object (service, secret, config) the backend creates.</summary>
public static class SwarmLabels
{
    /// <summary>"true" on every service, secret and config created for a Swarm run: prune and leak checks filter on it.</summary>
    public const string Swarm = FunctionLabels.Prefix + "swarm";

    internal static Dictionary<string, string> For(string runId, string image, bool detached)
    {
        var labels = new Dictionary<string, string>
        {
            [Swarm] = "true",
            [FunctionLabels.Function] = "true",
            [FunctionLabels.Owner] = FunctionLabels.CurrentOwner,
            [FunctionLabels.Run] = runId,
            [FunctionLabels.Image] = image,
        };
        if (detached)
        {
            labels[FunctionLabels.Detached] = "true";
        }

        return labels;
    }
}
