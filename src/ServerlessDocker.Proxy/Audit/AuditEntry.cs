using System.Text.Json.Serialization;

namespace ServerlessDocker.Proxy.Audit;

/// <summary>One audit line.</summary>
/// <param name="Time">When the decision was made.</param>
/// <param name="Scope">The scope path.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The canonical target forwarded, or the raw target when it could not be canonicalised.</param>
/// <param name="Verdict"><c>allow</c>, <c>deny</c> or <c>warn</c> (forwarded although the policy would deny it).</param>
/// <param name="Status">The status answered by the proxy, or the engine's status when forwarded.</param>
/// <param name="Reason">Why it was denied or warned, if it was.</param>
internal sealed record AuditEntry(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("reason")] string? Reason);

/// <summary>Source-generated serialiser for audit lines.</summary>
[JsonSerializable(typeof(AuditEntry))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
