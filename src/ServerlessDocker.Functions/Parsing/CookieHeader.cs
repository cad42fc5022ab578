namespace ServerlessDocker.Functions.Parsing;

/// <summary>
/// The Cookie request header (RFC 6265 §5.4): <c>name=value</c> pairs split on ';'. A value in double quotes loses
/// them; pairs without '=' or with a name that is not a token are skipped; the first of a repeated name wins (the
/// browser sends the most specific path first). Values are not URL-decoded: the cookie's writer chose its encoding.
/// </summary>
internal static class CookieHeader
{
    public static IReadOnlyDictionary<string, string> Parse(string? header)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(header))
        {
            return cookies;
        }

        foreach (var range in header.AsSpan().Split(';'))
        {
            var pair = header.AsSpan(range).Trim(" \t");
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var name = pair[..equals].Trim(" \t");
            if (!HttpSyntax.IsToken(name))
            {
                continue;
            }

            var value = pair[(equals + 1)..].Trim(" \t");
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            cookies.TryAdd(name.ToString(), value.ToString());
        }

        return cookies;
    }
}
