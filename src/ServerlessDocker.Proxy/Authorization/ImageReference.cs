using System.Text.RegularExpressions;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>Normalises image references and matches them against the policy's image patterns.</summary>
internal static class ImageReference
{
    /// <summary>The familiar repository of a reference: no tag, no digest, no <c>docker.io/</c> or <c>library/</c> prefix.</summary>
    public static string Repository(string reference)
    {
        var name = reference;
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            name = name[..at];
        }

        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > lastSlash)
        {
            name = name[..colon];
        }

        foreach (var prefix in new[] { "docker.io/", "index.docker.io/", "registry-1.docker.io/" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        if (name.StartsWith("library/", StringComparison.Ordinal) && name.IndexOf('/', 8) < 0)
        {
            name = name[8..];
        }

        return name;
    }

    /// <summary>True when the repository of <paramref name="reference"/> matches one of the patterns.</summary>
    public static bool IsAllowed(string reference, IReadOnlyList<string> patterns)
    {
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) || reference.Length == 0)
        {
            return false;
        }

        var repository = Repository(reference);
        return patterns.Any(p => GlobToRegex(p).IsMatch(repository));
    }

    private static Regex GlobToRegex(string pattern)
    {
        var escaped = Regex.Escape(pattern).Replace(@"\*\*", "\u0001", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace("\u0001", ".*", StringComparison.Ordinal);
        return new Regex("^" + escaped + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
