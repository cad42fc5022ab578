using System.Text;

namespace ServerlessDocker.Functions.Internal;

/// <summary>How a function's failure reaches stderr (the gateway's log): one line, then the details.</summary>
internal static class ErrorReport
{
    public const int Failure = 1;

    /// <summary>128 + SIGTERM, what a shell reports for a process ended by `docker stop`.</summary>
    public const int Terminated = 143;

    public static void Write(Stream stderr, string summary, Exception? exception = null)
    {
        try
        {
            var text = exception is null ? summary + "\n" : $"{summary}: {exception.GetType().Name}: {exception.Message}\n{exception}\n";
            stderr.Write(Encoding.UTF8.GetBytes(text));
            stderr.Flush();
        }
        catch (IOException)
        {
            // stderr gone (the caller closed it): nothing left to tell.
        }
    }
}
