namespace ServerlessDocker.Functions.Parsing;

/// <summary>Request headers from the CGI environment: <c>HTTP_X_FORWARDED_FOR</c> → <c>X-Forwarded-For</c>.</summary>
internal static class CgiHeaders
{
    public static IReadOnlyDictionary<string, string> FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            if (name.Length > 5 && name.StartsWith("HTTP_", StringComparison.Ordinal))
            {
                headers[HeaderName(name.AsSpan(5))] = value;
            }
        }

        // RFC 3875 passes these two as CONTENT_*, never as HTTP_*; a handler still looks them up as headers.
        if (environment.TryGetValue("CONTENT_TYPE", out var type) && type.Length > 0)
        {
            headers["Content-Type"] = type;
        }

        if (environment.TryGetValue("CONTENT_LENGTH", out var length) && length.Length > 0)
        {
            headers["Content-Length"] = length;
        }

        return headers;
    }

    internal static string HeaderName(ReadOnlySpan<char> variable) =>
        string.Create(variable.Length, variable, static (name, source) =>
        {
            var upper = true;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                if (c == '_')
                {
                    name[i] = '-';
                    upper = true;
                    continue;
                }

                name[i] = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                upper = false;
            }
        });
}
