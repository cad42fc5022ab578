namespace ServerlessDocker.Proxy.Authorization;

/// <summary>
/// The Content-Type of a streamed (tar) request body. The engine parses form fields from a form-encoded body and lets
/// them override the query string, so the proxy never forwards the client's Content-Type: it accepts only the values
/// tar clients send and always sends <see cref="Forwarded"/> itself.
/// </summary>
internal static class StreamContentType
{
    /// <summary>The only Content-Type the proxy sends upstream with a streamed body.</summary>
    public const string Forwarded = "application/x-tar";

    // The docker CLI sends application/x-tar on build; docker-py and dockerode (docker-modem) send application/tar.
    private static readonly string[] Accepted = ["application/x-tar", "application/tar"];

    // The docker CLI's `cp` sends its client's default, text/plain; other clients send raw bytes as octet-stream.
    private static readonly string[] AcceptedForArchive = [.. Accepted, "text/plain", "application/octet-stream"];

    /// <summary>
    /// Accepts an absent header or a tar media type (parameters ignored), and for an archive upload also the generic
    /// types clients send there; throws a 400 naming anything else (form encodings above all).
    /// </summary>
    public static void Check(IEnumerable<string> values, bool archive = false)
    {
        var all = values.ToList();
        if (all.Count > 1)
        {
            throw new RequestRejectedException(400, "Content-Type given more than once");
        }

        if (all.Count == 0 || all[0].Trim().Length == 0)
        {
            return;
        }

        var mediaType = all[0].Split(';', 2)[0].Trim();
        if (!(archive ? AcceptedForArchive : Accepted).Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            throw new RequestRejectedException(400, $"Content-Type '{all[0]}' is not accepted for a tar body: send application/x-tar (build parameters go in the query string)");
        }
    }
}
