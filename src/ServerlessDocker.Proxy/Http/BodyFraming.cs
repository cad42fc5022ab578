namespace ServerlessDocker.Proxy.Http;

/// <summary>How a message body is delimited.</summary>
internal enum BodyFramingKind
{
    /// <summary>No body.</summary>
    None,

    /// <summary>A Content-Length body.</summary>
    Length,

    /// <summary>A chunked body.</summary>
    Chunked,

    /// <summary>The body runs until the connection closes (responses only).</summary>
    UntilClose,
}

/// <summary>The framing of one message body.</summary>
/// <param name="Kind">How the body is delimited.</param>
/// <param name="Length">The length for <see cref="BodyFramingKind.Length"/>.</param>
internal readonly record struct BodyFraming(BodyFramingKind Kind, long Length)
{
    /// <summary>Reads a request's framing; rejects ambiguous combinations that enable smuggling.</summary>
    public static BodyFraming ForRequest(HttpHead head)
    {
        var transferEncodings = head.GetAll("Transfer-Encoding").ToList();
        var contentLengths = head.GetAll("Content-Length").ToList();
        if (transferEncodings.Count > 0)
        {
            if (contentLengths.Count > 0)
            {
                throw new RequestRejectedException(400, "both Transfer-Encoding and Content-Length");
            }

            if (transferEncodings.Count != 1 || !string.Equals(transferEncodings[0], "chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new RequestRejectedException(400, "only 'Transfer-Encoding: chunked' is accepted");
            }

            return new(BodyFramingKind.Chunked, -1);
        }

        if (contentLengths.Count > 1)
        {
            throw new RequestRejectedException(400, "Content-Length given more than once");
        }

        if (contentLengths.Count == 1)
        {
            var value = contentLengths[0];
            if (value.Length == 0 || value.Length > 18 || !value.All(char.IsAsciiDigit))
            {
                throw new RequestRejectedException(400, "malformed Content-Length");
            }

            var length = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            return length == 0 ? new(BodyFramingKind.None, 0) : new(BodyFramingKind.Length, length);
        }

        return new(BodyFramingKind.None, 0);
    }

    /// <summary>Reads a response's framing (the upstream engine is trusted to frame correctly).</summary>
    public static BodyFraming ForResponse(HttpHead head, int status, bool isHeadRequest)
    {
        if (isHeadRequest || status is (>= 100 and < 200) or 204 or 304)
        {
            return new(BodyFramingKind.None, 0);
        }

        if (head.HasToken("Transfer-Encoding", "chunked"))
        {
            return new(BodyFramingKind.Chunked, -1);
        }

        if (head.GetAll("Content-Length").FirstOrDefault() is { } cl && long.TryParse(cl, out var length))
        {
            return length == 0 ? new(BodyFramingKind.None, 0) : new(BodyFramingKind.Length, length);
        }

        return new(BodyFramingKind.UntilClose, -1);
    }
}
