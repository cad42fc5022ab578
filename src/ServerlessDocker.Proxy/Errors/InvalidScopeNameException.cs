namespace ServerlessDocker.Proxy;

/// <summary>A scope name does not follow the rules (1-63 of [a-z0-9_.-], starting with a letter or digit).</summary>
public sealed class InvalidScopeNameException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="name">The name that was refused.</param>
    public InvalidScopeNameException(string name)
        : base($"invalid scope name '{name}': use 1-63 of [a-z0-9_.-], starting with a letter or digit")
    {
        Name = name;
    }

    /// <summary>The name that was refused.</summary>
    public string Name { get; }
}
