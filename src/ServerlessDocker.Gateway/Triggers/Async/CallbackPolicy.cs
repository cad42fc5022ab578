namespace ServerlessDocker.Gateway.Triggers.Async;

/// <summary>
/// Decides whether an <c>X-Callback-Url</c> may be used: absolute http(s), no user info, and a host listed in
/// <c>gateway.callbackHosts</c>. The URL comes from the internet, so without a list the gateway would POST results to
/// any address it can reach (cloud metadata, the Docker API proxy, internal services): server-side request forgery.
/// </summary>
internal static class CallbackPolicy
{
    /// <summary>Null when allowed, else why not (for the 400 answer).</summary>
    /// <param name="url">The header value.</param>
    /// <param name="allowedHosts">Entries <c>host</c> (any port), <c>host:port</c> or <c>*</c> (any host).</param>
    public static string? Check(string url, IReadOnlyList<string> allowedHosts)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http:// or https:// URL";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "must not carry user:password@";
        }

        if (allowedHosts.Count == 0)
        {
            return "callbacks are disabled on this gateway (the operator lists allowed hosts in gateway.callbackHosts)";
        }

        // Uri.Host is normalised (lower case, IPv6 in brackets), so "127.1" or "LOCALHOST" cannot dodge a listed name.
        var host = uri.Host;
        var port = uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var entry in allowedHosts)
        {
            if (entry == "*" || entry.Equals(host, StringComparison.OrdinalIgnoreCase) || entry.Equals(host + ":" + port, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return $"host '{uri.Authority}' is not in gateway.callbackHosts";
    }
}
