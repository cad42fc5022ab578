namespace ServerlessDocker.Proxy;

/// <summary>A scope could not be created where it was asked for: the name is taken, or the tree is at its depth limit.</summary>
public sealed class ScopeConflictException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="scopePath">The scope's path (parent/child/...).</param>
    /// <param name="reason">What is in the way and what to do.</param>
    public ScopeConflictException(string scopePath, string reason)
        : base($"cannot create scope '{scopePath}': {reason}")
    {
        ScopePath = scopePath;
    }

    /// <summary>The scope that could not be created.</summary>
    public string ScopePath { get; }
}
