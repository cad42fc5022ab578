namespace ServerlessDocker.Swarm;

/// <summary>A name claimed on the cluster with <see cref="SwarmBackend.TryClaimAsync"/>.</summary>
/// <param name="Id">The Swarm config's id.</param>
/// <param name="Name">The claimed name.</param>
/// <param name="Labels">The labels it was claimed with.</param>
/// <param name="Created">When it was claimed.</param>
public sealed record SwarmClaim(string Id, string Name, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Created);
