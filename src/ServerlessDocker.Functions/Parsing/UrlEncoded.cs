using System.Buffers;
using System.Text;

namespace ServerlessDocker.Functions.Parsing;

/// <summary>
/// application/x-www-form-urlencoded as browsers send it (WHATWG URL §5): pairs split on '&amp;', '+' is a space,
/// %XX is a byte, the bytes are UTF-8. A '%' not followed by two hex digits stays as it is, like browsers do.
/// </summary>
internal static class UrlEncoded
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static ParameterCollection Parse(string? text) =>
        string.IsNullOrEmpty(text) ? ParameterCollection.Empty : Parse(Encoding.UTF8.GetBytes(text));

    public static ParameterCollection Parse(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return ParameterCollection.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        while (!input.IsEmpty)
        {
            var end = input.IndexOf((byte)'&');
            var pair = end < 0 ? input : input[..end];
            input = end < 0 ? [] : input[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf((byte)'=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? [] : pair[(equals + 1)..];
            pairs.Add(new(Decode(name), Decode(value)));
        }

        return new ParameterCollection(pairs);
    }

    /// <summary>Percent- and plus-decodes one name or value.</summary>
    public static string Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return string.Empty;
        }

        // Most names and values need no decoding: one string, no buffer.
        if (encoded.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return Utf8.GetString(encoded);
        }

        var rented = encoded.Length <= 256 ? null : ArrayPool<byte>.Shared.Rent(encoded.Length);
        Span<byte> buffer = rented ?? stackalloc byte[256];
        try
        {
            var length = 0;
            for (var i = 0; i < encoded.Length; i++)
            {
                var b = encoded[i];
                if (b == (byte)'+')
                {
                    b = (byte)' ';
                }
                else if (b == (byte)'%' && i + 2 < encoded.Length && TryHex(encoded[i + 1], encoded[i + 2], out var decoded))
                {
                    b = decoded;
                    i += 2;
                }

                buffer[length++] = b;
            }

            return Utf8.GetString(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool TryHex(byte high, byte low, out byte value)
    {
        var h = HexValue(high);
        var l = HexValue(low);
        value = (byte)((h << 4) | l);
        return h >= 0 && l >= 0;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
