using System.Text;
using System.Text.RegularExpressions;

namespace ServerlessDocker.Proxy.Routing;

/// <summary>
/// Turns a raw HTTP request target into a <see cref="CanonicalRequestTarget"/> with the engine's routing
/// semantics (one percent-decode, <c>%2F</c> becomes a separator, optional <c>/v{version}</c> prefix),
/// and rejects anything the engine would redirect or route differently (dot segments, empty segments,
/// trailing slashes, double version prefixes, encoded control characters).
/// </summary>
internal static partial class RequestTargetParser
{
    /// <summary>The oldest API version accepted: older versions honour legacy body fields (for example a HostConfig on start).</summary>
    public static readonly Version MinimumApiVersion = new(1, 24);

    /// <summary>Parses or throws <see cref="RequestRejectedException"/> (400).</summary>
    public static CanonicalRequestTarget Parse(string rawTarget)
    {
        if (rawTarget.Length == 0 || rawTarget[0] != '/')
        {
            throw Reject("the request target must be an absolute path");
        }

        if (rawTarget.Contains('#'))
        {
            throw Reject("fragments are not accepted");
        }

        var queryStart = rawTarget.IndexOf('?');
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var rawQuery = queryStart < 0 ? string.Empty : rawTarget[(queryStart + 1)..];

        var path = PercentDecode(rawPath, plusIsSpace: false);
        foreach (var c in path)
        {
            if (!IsAllowedPathChar(c))
            {
                throw Reject($"character 0x{(int)c:X2} is not accepted in a path");
            }
        }

        var segments = path.Split('/');
        // segments[0] is the empty string before the leading slash.
        var list = new List<string>(segments.Length);
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw Reject("the path is not canonical (empty, '.' or '..' segment, or trailing slash)");
            }

            list.Add(segment);
        }

        string? version = null;
        if (list.Count > 0 && list[0].StartsWith('v') && VersionSegment().IsMatch(list[0]))
        {
            version = list[0][1..];
            if (!Version.TryParse(version, out var parsed) || parsed.Build >= 0 || parsed < MinimumApiVersion)
            {
                throw Reject($"API version '{version}' is not accepted (use {MinimumApiVersion} or newer, major.minor)");
            }

            list.RemoveAt(0);
        }

        if (list.Count == 0)
        {
            throw Reject("empty path");
        }

        return new CanonicalRequestTarget(version, list, ParseQuery(rawQuery));
    }

    /// <summary>Parses a query string the way Go's <c>url.ParseQuery</c> does, rejecting <c>;</c> separators.</summary>
    public static QueryParameters ParseQuery(string rawQuery)
    {
        var items = new List<KeyValuePair<string, string>>();
        if (rawQuery.Length == 0)
        {
            return new QueryParameters(items);
        }

        foreach (var part in rawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            if (part.Contains(';'))
            {
                throw Reject("';' is not accepted in the query string");
            }

            var eq = part.IndexOf('=');
            var key = PercentDecode(eq < 0 ? part : part[..eq], plusIsSpace: true);
            var value = eq < 0 ? string.Empty : PercentDecode(part[(eq + 1)..], plusIsSpace: true);
            if (key.Any(char.IsControl) || value.Contains('\0'))
            {
                throw Reject("control characters are not accepted in query keys");
            }

            items.Add(new(key, value));
        }

        return new QueryParameters(items);
    }

    private static bool IsAllowedPathChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '/' or '.' or '_' or '-' or ':' or '@' or '+' or '=' or '~';

    private static string PercentDecode(string value, bool plusIsSpace)
    {
        if (!value.Contains('%') && !(plusIsSpace && value.Contains('+')))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2]))
                {
                    throw Reject("malformed percent-encoding");
                }

                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Add((byte)' ');
            }
            else if (c > 0x7F)
            {
                throw Reject("non-ASCII characters must be percent-encoded");
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw Reject("percent-encoding does not decode to UTF-8");
        }
    }

    private static bool IsHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F');

    private static RequestRejectedException Reject(string message) => new(400, message);

    [GeneratedRegex("^v[0-9.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSegment();
}
