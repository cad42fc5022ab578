using System.Text;

namespace ServerlessDocker.Proxy.Json;

/// <summary>
/// Folds JSON object keys the way Go's <c>encoding/json</c> matches them to struct fields,
/// so that the proxy looks at exactly the field the engine will bind.
/// </summary>
internal static class GoKeyFolding
{
    /// <summary>Returns the fold key of <paramref name="key"/>: ASCII upper case, plus the two
    /// non-ASCII runes that Go's simple folding maps onto ASCII letters (Kelvin sign, long s).</summary>
    public static string Fold(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var rune in key.EnumerateRunes())
        {
            builder.Append(rune.Value switch
            {
                >= 'a' and <= 'z' => (char)(rune.Value - 32),
                0x212A => 'K', // KELVIN SIGN folds to k/K in Go
                0x017F => 'S', // LATIN SMALL LETTER LONG S folds to s/S in Go
                _ => rune.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>True when Go would bind <paramref name="key"/> to a field named <paramref name="fieldName"/>.</summary>
    public static bool Matches(string key, string fieldName) =>
        string.Equals(Fold(key), Fold(fieldName), StringComparison.Ordinal);

    /// <summary>True when every character of the key is ASCII.</summary>
    public static bool IsAscii(string key)
    {
        foreach (var c in key)
        {
            if (c > 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
