using System.Net;
using System.Text;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>Names claimed on the cluster, for callers that must do something once however many of them try.</summary>
public sealed partial class SwarmBackend
{
    /// <summary>
    /// Claims <paramref name="name"/> on the cluster by creating a Swarm config of that name (config names are unique per
    /// cluster, so of several callers racing for one name exactly one gets true). The claim stays until
    /// <see cref="ReleaseClaimAsync"/>: unlike a service, it outlives the work it guards.
    /// </summary>
    /// <param name="name">At most 64 characters of <c>[a-zA-Z0-9-_.]</c>; the engine compares names case-insensitively.</param>
    /// <param name="labels">Labels to find the claim by (<see cref="ListClaimsAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the wait; a create already sent may still happen.</param>
    /// <returns>True when this call made the claim; false when the name was claimed already.</returns>
    public async Task<bool> TryClaimAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(labels);
        try
        {
            await EngineErrors.CallAsync(_endpoint, "create a claim", () => _client.Configs.CreateConfigAsync(new SwarmCreateConfigParameters
            {
                Config = new SwarmConfigSpec { Name = name, Labels = new Dictionary<string, string>(labels), Data = Encoding.UTF8.GetBytes(name) },
            }, cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (EngineApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>The claims whose label <paramref name="label"/> is <paramref name="value"/>, in no particular order.</summary>
    /// <param name="label">The label's key.</param>
    /// <param name="value">The label's value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<SwarmClaim>> ListClaimsAsync(string label, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(value);
        var configs = await EngineErrors.CallAsync(_endpoint, "list claims", () => _client.Configs.ListConfigsAsync(cancellationToken)).ConfigureAwait(false);
        return [.. configs
            .Where(c => c.Spec?.Labels is { } l && l.TryGetValue(label, out var v) && v == value)
            .Select(c => new SwarmClaim(c.ID, c.Spec.Name ?? "", new Dictionary<string, string>(c.Spec.Labels), c.CreatedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : DateTimeOffset.MinValue))];
    }

    /// <summary>Releases a claim (its name can be claimed again); a claim already gone is not an error.</summary>
    /// <param name="id">The claim's id (<see cref="SwarmClaim.Id"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task ReleaseClaimAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        try
        {
            await EngineErrors.CallAsync(_endpoint, "remove a claim", () => _client.Configs.RemoveConfigAsync(id, cancellationToken)).ConfigureAwait(false);
        }
        catch (EngineApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Released already (by another scheduler's clean-up).
        }
    }
}
