namespace ServerlessDocker.Proxy.Http;

/// <summary>A parsed HTTP/1.1 head: the three start-line tokens and the header fields in order.</summary>
internal sealed class HttpHead
{
    private HttpHead(string first, string second, string third, List<KeyValuePair<string, string>> headers)
    {
        First = first;
        Second = second;
        Third = third;
        Headers = headers;
    }

    /// <summary>Method (request) or protocol version (response).</summary>
    public string First { get; }

    /// <summary>Request target (request) or status code (response).</summary>
    public string Second { get; }

    /// <summary>Protocol version (request) or reason phrase (response).</summary>
    public string Third { get; }

    /// <summary>Header fields in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Parses a head strictly: CRLF lines, no folding, no whitespace before the colon.</summary>
    public static HttpHead Parse(string head, bool isRequest)
    {
        var lines = head.Split("\r\n");
        var startLine = lines[0];
        if (startLine.Contains('\r') || startLine.Contains('\n'))
        {
            throw new RequestRejectedException(400, "bare CR or LF in start line");
        }

        string first, second, third;
        if (isRequest)
        {
            var parts = startLine.Split(' ');
            if (parts.Length != 3)
            {
                throw new RequestRejectedException(400, "malformed request line");
            }

            (first, second, third) = (parts[0], parts[1], parts[2]);
            if (third != "HTTP/1.1" && third != "HTTP/1.0")
            {
                throw new RequestRejectedException(505, "only HTTP/1.x is served");
            }
        }
        else
        {
            var firstSpace = startLine.IndexOf(' ');
            if (firstSpace < 0)
            {
                throw new RequestRejectedException(502, "malformed upstream status line");
            }

            var rest = startLine[(firstSpace + 1)..];
            var secondSpace = rest.IndexOf(' ');
            (first, second, third) = (startLine[..firstSpace], secondSpace < 0 ? rest : rest[..secondSpace], secondSpace < 0 ? string.Empty : rest[(secondSpace + 1)..]);
        }

        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line[0] is ' ' or '\t' || line.Contains('\r') || line.Contains('\n') || line.Contains('\0'))
            {
                throw new RequestRejectedException(400, "malformed header line");
            }

            var colon = line.IndexOf(':');
            if (colon <= 0 || line[colon - 1] is ' ' or '\t')
            {
                throw new RequestRejectedException(400, "malformed header line");
            }

            var name = line[..colon];
            foreach (var c in name)
            {
                if (c <= ' ' || c >= 0x7F || c is '(' or ')' or ',' or '/' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}' or '"')
                {
                    throw new RequestRejectedException(400, "malformed header name");
                }
            }

            headers.Add(new(name, line[(colon + 1)..].Trim(' ', '\t')));
        }

        return new HttpHead(first, second, third, headers);
    }

    /// <summary>All values of a header (case-insensitive name).</summary>
    public IEnumerable<string> GetAll(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>The only value of a header, or null; throws when repeated.</summary>
    public string? GetSingle(string name)
    {
        string? found = null;
        foreach (var value in GetAll(name))
        {
            if (found is not null)
            {
                throw new RequestRejectedException(400, $"header '{name}' given more than once");
            }

            found = value;
        }

        return found;
    }

    /// <summary>True when a comma-separated header contains the token (case-insensitive).</summary>
    public bool HasToken(string name, string token) =>
        GetAll(name).SelectMany(v => v.Split(',')).Any(t => string.Equals(t.Trim(), token, StringComparison.OrdinalIgnoreCase));
}
