namespace ServerlessDocker;

/// <summary>The engine's rule for container (and service) names.</summary>
internal static class ContainerNames
{
    /// <summary>Names longer than this are refused: the Swarm's service names stop at 63 characters.</summary>
    public const int MaxLength = 63;

    /// <summary>True for <c>[a-zA-Z0-9][a-zA-Z0-9_.-]*</c> up to <see cref="MaxLength"/> characters.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
