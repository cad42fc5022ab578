using System.Text;

namespace ServerlessDocker.Gateway.Cgi;

/// <summary>Builds the RFC 3875 meta-variables of a request.</summary>
internal static class CgiEnvironment
{
    /// <summary>The <c>SERVER_SOFTWARE</c> value.</summary>
    public const string ServerSoftware = "sdock-gateway/1.0";

    /// <summary>
    /// Headers that never become <c>HTTP_*</c>: <c>Proxy</c> (httpoxy, CVE-2016-5385: <c>HTTP_PROXY</c> would be read as a
    /// proxy setting by the function's HTTP client), and <c>Content-Type</c>/<c>Content-Length</c>, which RFC 3875 passes
    /// as <c>CONTENT_TYPE</c>/<c>CONTENT_LENGTH</c>.
    /// </summary>
    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Proxy", "Content-Type", "Content-Length",
    };

    /// <summary>Builds the environment for one call.</summary>
    /// <param name="request">The request.</param>
    /// <param name="scriptName">The route prefix that selected the function (<c>SCRIPT_NAME</c>).</param>
    /// <param name="pathInfo">The rest of the path after <paramref name="scriptName"/> (<c>PATH_INFO</c>), "" or starting with '/'.</param>
    /// <param name="contentLength">The body's length when known (a chunked body is measured before the call).</param>
    /// <param name="passAuthorization">False to keep the <c>Authorization</c> header from the function (it carried the gateway's own token).</param>
    public static Dictionary<string, string> Build(CgiRequest request, string scriptName, string pathInfo, long? contentLength, bool passAuthorization)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GATEWAY_INTERFACE"] = "CGI/1.1",
            ["SERVER_SOFTWARE"] = ServerSoftware,
            ["SERVER_PROTOCOL"] = request.Protocol,
            ["SERVER_NAME"] = request.ServerName,
            ["SERVER_PORT"] = request.PortText,
            ["REQUEST_METHOD"] = request.Method,
            ["QUERY_STRING"] = request.Query,
            ["SCRIPT_NAME"] = scriptName,
            ["PATH_INFO"] = pathInfo,
            ["REQUEST_URI"] = request.RawTarget,
            ["REMOTE_ADDR"] = request.RemoteAddress,
            ["REMOTE_HOST"] = request.RemoteAddress,
            ["REMOTE_PORT"] = request.RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HTTPS"] = request.IsHttps ? "on" : "off",
        };

        if (contentLength is > 0)
        {
            env["CONTENT_LENGTH"] = contentLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrEmpty(request.ContentType))
        {
            env["CONTENT_TYPE"] = request.ContentType;
        }

        foreach (var header in request.Headers)
        {
            if (SkippedHeaders.Contains(header.Key) || (!passAuthorization && header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            // Only names of letters, digits and '-' become variables (as Apache and nginx do): "X-Forwarded_For" or
            // "X.Forwarded.For" would map onto the same HTTP_X_FORWARDED_FOR as the header a fronting proxy vouches for.
            if (!header.Key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                continue;
            }

            var name = "HTTP_" + HeaderToVariable(header.Key);

            // Belt and braces for httpoxy: whatever header spelling maps to HTTP_PROXY is dropped.
            if (name == "HTTP_PROXY")
            {
                continue;
            }

            // RFC 9110 combines repeated fields with ", "; cookies are the exception and use "; ".
            var separator = header.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ";
            env[name] = env.TryGetValue(name, out var existing) ? existing + separator + header.Value : header.Value;
        }

        return env;
    }

    /// <summary>Maps a header name to its variable suffix: upper case, every non-alphanumeric character becomes '_'.</summary>
    public static string HeaderToVariable(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var c in header)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return sb.ToString();
    }
}
