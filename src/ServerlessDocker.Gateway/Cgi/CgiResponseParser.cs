using System.Globalization;
using System.Text;

namespace ServerlessDocker.Gateway.Cgi;

/// <summary>Reads the header block of a CGI response from a stream, leaving the body to be streamed.</summary>
internal static class CgiResponseParser
{
    /// <summary>Default cap of the header block; a program that prints no blank line must not make us buffer forever.</summary>
    public const int DefaultMaxHeaderBytes = 64 * 1024;

    // Fields that belong to the connection, not the response: Kestrel frames the body itself (chunked when the length
    // is unknown), so a program's Content-Length that disagrees with what it writes cannot break the connection.
    private static readonly HashSet<string> DroppedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Content-Length", "Proxy-Connection", "TE", "Trailer",
    };

    /// <summary>Reads up to the blank line that ends the headers.</summary>
    /// <param name="stdout">The program's stdout.</param>
    /// <param name="maxHeaderBytes">Largest header block accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<CgiParseResult> ReadHeadAsync(Stream stdout, int maxHeaderBytes = DefaultMaxHeaderBytes, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[Math.Min(maxHeaderBytes + 1, 8192)];
        var filled = 0;
        var lineStart = 0;
        var scan = 0;
        var lines = new List<string>();
        while (true)
        {
            // Look for complete lines in what we have.
            for (; scan < filled; scan++)
            {
                if (buffer[scan] != (byte)'\n')
                {
                    continue;
                }

                var end = scan > lineStart && buffer[scan - 1] == (byte)'\r' ? scan - 1 : scan;
                if (end == lineStart)
                {
                    var body = buffer.AsMemory(scan + 1, filled - scan - 1).ToArray();
                    return Interpret(lines, body);
                }

                lines.Add(Encoding.Latin1.GetString(buffer, lineStart, end - lineStart));
                lineStart = scan + 1;
            }

            if (filled >= maxHeaderBytes)
            {
                return Fail($"the CGI header block is longer than {maxHeaderBytes} bytes (no blank line ends it)");
            }

            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxHeaderBytes + 1));
            }

            var read = await stdout.ReadAsync(buffer.AsMemory(filled, Math.Min(buffer.Length, maxHeaderBytes + 1) - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return Fail(filled == 0
                    ? "the program wrote nothing to stdout (a CGI program must print headers, a blank line, then the body)"
                    : "stdout ended before the blank line that ends the CGI headers");
            }

            filled += read;
        }
    }

    private static CgiParseResult Interpret(List<string> lines, byte[] bodyStart)
    {
        int? status = null;
        string? location = null;
        var hasContentType = false;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                return Fail($"CGI header line is not 'Name: value': \"{Truncate(line)}\"");
            }

            var name = line[..colon];
            if (!name.All(IsTokenChar))
            {
                return Fail($"CGI header name is not a token: \"{Truncate(name)}\"");
            }

            // Trim only spaces and tabs (RFC 9110 OWS): a CR left over from a bare "\r" must be seen, not trimmed away.
            var value = line[(colon + 1)..].Trim(' ', '\t');

            // A CR, LF or NUL in a value would split the response or be cut by the client differently than by us.
            if (value.Any(c => (c < ' ' && c != '\t') || c == '\u007f'))
            {
                return Fail($"CGI header {name} has a control character in its value");
            }

            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                // 1xx is not a final response (101 would hijack the connection); above 599 is not HTTP.
                if (value.Length < 3 || !int.TryParse(value.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                    || code is < 200 or > 599 || (value.Length > 3 && value[3] != ' '))
                {
                    return Fail($"CGI Status header is not 'NNN reason' with NNN in 200-599: \"{Truncate(value)}\"");
                }

                status = code;
            }
            else if (name.Equals("Location", StringComparison.OrdinalIgnoreCase))
            {
                // A URI has no spaces or backslashes; browsers read a slash then a backslash as "//", an off-site redirect.
                if (value.Length == 0 || value.Any(c => c <= ' ' || c >= '\u007f' || c == '\\'))
                {
                    return Fail($"CGI Location header is not a URI: \"{Truncate(value)}\"");
                }

                location = value;
            }
            else if (!DroppedHeaders.Contains(name))
            {
                hasContentType |= name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
                headers.Add(new(name, value));
            }
        }

        if (status is null && location is null && !hasContentType)
        {
            return Fail("CGI response has none of Content-Type, Status or Location");
        }

        // RFC 3875 §6.2.2: a local redirect is a path with no Status; the server fetches it itself.
        var local = status is null && location is not null && location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal);
        var code2 = status ?? (location is not null ? 302 : 200);
        return new CgiParseResult(new CgiResponseHead(code2, headers, location, local, bodyStart), null);
    }

    // RFC 9110 §5.6.2 tchar.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static CgiParseResult Fail(string error) => new(null, error);

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
