namespace ServerlessDocker;

/// <summary>
/// A command or connection setting is invalid. The message names the setting and a valid example.
/// </summary>
public sealed class InvalidCommandException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public InvalidCommandException(string setting, string message)
        : base($"{setting}: {message}")
    {
        Setting = setting;
    }

    /// <summary>The option or variable that was wrong.</summary>
    public string Setting { get; }
}
