namespace ServerlessDocker.Functions;

/// <summary>The function was started without something it needs (an environment variable, an argument).</summary>
public sealed class FunctionConfigurationException : ServerlessDockerException
{
    /// <summary>Creates the exception with a message that names what is missing and how to pass it.</summary>
    public FunctionConfigurationException(string message)
        : base(message)
    {
    }
}
