namespace ServerlessDocker.Gateway.Cgi;

/// <summary>The parsed header block of a CGI response (RFC 3875 §6).</summary>
/// <param name="StatusCode">From <c>Status:</c>, else 302 for a client redirect, else 200.</param>
/// <param name="Headers">Response headers to copy (without Status, Location and hop-by-hop fields).</param>
/// <param name="Location">The <c>Location:</c> value, if any.</param>
/// <param name="IsLocalRedirect">True for a local redirect (a path with no Status): the server fetches it itself with GET.</param>
/// <param name="BodyStart">Body bytes already read together with the headers.</param>
internal sealed record CgiResponseHead(
    int StatusCode,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Location,
    bool IsLocalRedirect,
    ReadOnlyMemory<byte> BodyStart);

/// <summary>Outcome of reading a CGI header block: a head, or why the output is not a CGI response.</summary>
/// <param name="Head">The head when valid.</param>
/// <param name="Error">Why the output is malformed (for the log; the client gets 502).</param>
internal sealed record CgiParseResult(CgiResponseHead? Head, string? Error)
{
    /// <summary>True when <see cref="Head"/> is set.</summary>
    public bool IsValid => Head is not null;
}
