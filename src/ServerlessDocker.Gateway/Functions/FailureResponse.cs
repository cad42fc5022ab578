using System.Text;

namespace ServerlessDocker.Gateway.Functions;

/// <summary>How a failed call answers through its sink, whoever failed it (the run, or the invoker for a busy function).</summary>
internal static class FailureResponse
{
    /// <summary>Tells the caller about a failure: a plain-text status before the response started, a cut-off after.</summary>
    public static async Task WriteAsync(IResponseSink sink, int status, string message, CancellationToken cancellationToken, params KeyValuePair<string, string>[] extraHeaders)
    {
        if (sink.HasStarted)
        {
            // Too late for a status: cut the response off so the client cannot mistake it for a complete one.
            sink.Abort();
            return;
        }

        try
        {
            // The message may quote the program's output: never let a browser sniff it as HTML.
            sink.Start(status, [new("Content-Type", "text/plain; charset=utf-8"), new("X-Content-Type-Options", "nosniff"), .. extraHeaders]);
            await sink.WriteAsync(Encoding.UTF8.GetBytes(message + "\n"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client is gone; nothing to tell it.
        }
    }
}
