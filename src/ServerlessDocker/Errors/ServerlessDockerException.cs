namespace ServerlessDocker;

/// <summary>
/// The root of every error this library reports. Catch it to handle any failure of a function run.
/// </summary>
public abstract class ServerlessDockerException : Exception
{
    /// <summary>The longest message kept; the middle of a longer one is cut (an argument can be megabytes).</summary>
    public const int MaxMessageLength = 4096;

    /// <summary>Creates the exception with a message that says what went wrong and what to do.</summary>
    protected ServerlessDockerException(string message, Exception? innerException = null)
        : base(Shorten(message), innerException)
    {
    }

    private static string Shorten(string message)
    {
        if (message is null || message.Length <= MaxMessageLength)
        {
            return message!;
        }

        // Both ends stay: the start says what failed, the end usually says what to do.
        var keep = (MaxMessageLength - 40) / 2;
        return string.Concat(message.AsSpan(0, keep), $" …[{message.Length - 2 * keep} characters cut]… ", message.AsSpan(message.Length - keep));
    }
}
