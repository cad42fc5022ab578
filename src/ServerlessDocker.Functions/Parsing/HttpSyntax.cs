namespace ServerlessDocker.Functions.Parsing;

/// <summary>The few RFC 9110 / RFC 6265 character classes the request and response need.</summary>
internal static class HttpSyntax
{
    /// <summary>tchar: what a header or cookie name may hold.</summary>
    public static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A header value the gateway accepts: no control character besides tab (no CR/LF header injection).</summary>
    public static bool IsFieldValue(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>cookie-octet: printable ASCII without space, '"', ',', ';' and '\'.</summary>
    public static bool IsCookieValue(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c < 0x21 || c > 0x7e || c is '"' or ',' or ';' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
