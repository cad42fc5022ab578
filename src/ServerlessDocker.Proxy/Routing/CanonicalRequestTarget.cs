namespace ServerlessDocker.Proxy.Routing;

/// <summary>A request target after Go-equivalent decoding and strict validation.</summary>
/// <param name="ApiVersion">The version prefix without the <c>v</c> (for example <c>1.41</c>), or null when absent.</param>
/// <param name="Segments">The decoded path segments after the version prefix.</param>
/// <param name="Query">The decoded query parameters in order.</param>
internal sealed record CanonicalRequestTarget(string? ApiVersion, IReadOnlyList<string> Segments, QueryParameters Query)
{
    /// <summary>The path without the version prefix, for example <c>/containers/json</c>.</summary>
    public string Path => "/" + string.Join('/', Segments);
}
