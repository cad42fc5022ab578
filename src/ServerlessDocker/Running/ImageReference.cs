using System.Text.RegularExpressions;

namespace ServerlessDocker;

/// <summary>
/// The engine's grammar for image references, <c>[domain[:port]/]path[:tag][@digest]</c>, checked before a run so
/// a bad reference is named with what is wrong instead of the engine's bare "invalid reference format".
/// </summary>
internal static partial class ImageReference
{
    private const int MaxNameLength = 255;

    /// <summary>True when the engine would accept <paramref name="reference"/>; otherwise says why.</summary>
    public static bool TryValidate(string reference, out string? problem)
    {
        problem = Check(reference);
        return problem is null;
    }

    private static string? Check(string reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return "it is empty";
        }

        if (reference.Any(char.IsWhiteSpace))
        {
            return "it contains white space";
        }

        var name = reference;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Digest().IsMatch(name[(at + 1)..]))
            {
                return $"'{name[(at + 1)..]}' is not a digest (ALGORITHM:HEX, for example sha256: and 64 hex digits)";
            }

            name = name[..at];
        }

        // A tag follows the last ':' that comes after the last '/' (a ':' before it is a registry's port).
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            var tag = name[(colon + 1)..];
            if (!Tag().IsMatch(tag))
            {
                return $"'{tag}' is not a tag (letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-')";
            }

            name = name[..colon];
        }

        if (name.Length == 0)
        {
            return "the repository name is missing";
        }

        if (name.Length > MaxNameLength)
        {
            return $"the repository name is longer than {MaxNameLength} characters";
        }

        // The engine's rule: the first component is a registry when it has a '.' or ':', is "localhost", or has capitals.
        var path = name;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var first = name[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" || first.Any(char.IsUpper))
            {
                if (!Domain().IsMatch(first))
                {
                    return $"'{first}' is not a registry host[:port]";
                }

                path = name[(slash + 1)..];
            }
        }

        foreach (var component in path.Split('/'))
        {
            if (component.Length == 0)
            {
                return "a path component is empty (two '/' in a row, or one at an end)";
            }

            if (component.Any(char.IsUpper))
            {
                return "repository names must be lowercase";
            }

            if (!PathComponent().IsMatch(component))
            {
                return $"'{component}' is not a repository name component (lowercase letters and digits, joined by '.', '_', '__' or '-')";
            }
        }

        return null;
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponent();

    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Domain();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$", RegexOptions.CultureInvariant)]
    private static partial Regex Digest();
}
