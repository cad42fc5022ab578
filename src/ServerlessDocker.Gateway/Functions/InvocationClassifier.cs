using System.Globalization;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Functions;

/// <summary>What the stdout pump saw of the function's output.</summary>
internal enum OutputKind
{
    /// <summary>The pump did not finish (the run failed before or while it read).</summary>
    None,

    /// <summary>CGI headers were valid and the body was streamed to the sink.</summary>
    Streamed,

    /// <summary>Plain mode: stdout was buffered whole (it becomes the body once the exit code is known).</summary>
    Buffered,

    /// <summary>The program asked for a local redirect.</summary>
    LocalRedirect,

    /// <summary>The output is not a valid CGI response.</summary>
    Invalid,

    /// <summary>The output passed maxResponse; the pump cancelled the run.</summary>
    CutOff,
}

/// <summary>The pump's verdict, returned by the pump rather than set on shared state.</summary>
/// <param name="Kind">What it saw.</param>
/// <param name="Status">With <see cref="OutputKind.Streamed"/>: the status sent.</param>
/// <param name="Detail">The parse error, or the local redirect's path.</param>
internal sealed record OutputResult(OutputKind Kind, int Status = 0, string? Detail = null)
{
    public static OutputResult None { get; } = new(OutputKind.None);
}

/// <summary>The facts of one finished run.</summary>
/// <param name="Error">What the run threw, or null when it exited.</param>
/// <param name="ExitCode">The exit code when it exited.</param>
/// <param name="Output">What the stdout pump returned.</param>
/// <param name="CallerCancelled">Whether the caller's token fired (client gone, gateway stopping).</param>
internal sealed record RunFacts(Exception? Error, long? ExitCode, OutputResult Output, bool CallerCancelled);

/// <summary>Sorts a finished run into an outcome, a status and an error message. Pure: unit-tested without an engine.</summary>
internal static class InvocationClassifier
{
    /// <summary>The outcome, the status the caller gets, and why it failed (null on success).</summary>
    /// <remarks>Order matters and is written down here: a timeout wins over the cut-off (the run was stopped by its own
    /// limit), the cut-off wins over the caller's cancellation (the pump's cancel looks like any other), and only then
    /// does the exception's type decide.</remarks>
    public static (InvocationOutcome Outcome, int Status, string? Error) Classify(FunctionDefinition fn, RunFacts facts)
    {
        var output = facts.Output;
        if (facts.Error is ContainerTimeoutException)
        {
            return (InvocationOutcome.TimedOut, 504, $"function '{fn.Name}' timed out after {Format(fn.Timeout)}; its container was stopped and removed");
        }

        if (output.Kind == OutputKind.CutOff)
        {
            return (InvocationOutcome.ResponseTooLarge, 502, $"function '{fn.Name}' wrote more than maxResponse ({fn.MaxResponseBytes} bytes); the call was cut off");
        }

        switch (facts.Error)
        {
            case not null when facts.CallerCancelled:
                return (InvocationOutcome.Disconnected, InvocationResult.ClientClosedRequest, "the client disconnected; the container was stopped and removed");
            case ImageNotFoundException ex:
                return (InvocationOutcome.ImageNotFound, 502, $"function '{fn.Name}': image '{fn.Image}' not found ({ex.Message})");
            case EngineUnavailableException ex:
                return (InvocationOutcome.EngineUnavailable, 503, $"the Docker engine is not reachable: {ex.Message}");
            case ContainerNameConflictException ex:
                return (InvocationOutcome.NameTaken, 409, $"function '{fn.Name}': the run name '{ex.Name}' is taken by another run");
            case InvalidCommandException ex:
                return (InvocationOutcome.Refused, 400, $"function '{fn.Name}' cannot run this call: {ex.Message}");
            case { } ex:
                return (InvocationOutcome.Failed, 502, $"function '{fn.Name}' failed: {ex.Message}");
        }

        var exit = facts.ExitCode ?? 0;
        return output.Kind switch
        {
            OutputKind.Buffered when exit != 0 => (InvocationOutcome.FunctionFailed, 500, $"function '{fn.Name}' exited with code {exit}"),
            OutputKind.Buffered => (InvocationOutcome.Completed, 200, null),
            OutputKind.LocalRedirect => (InvocationOutcome.LocalRedirect, 0, null),

            // Headers were valid and the body was streamed; a non-zero exit after that cannot change the status any more.
            OutputKind.Streamed => (InvocationOutcome.Completed, output.Status, exit == 0 ? null : $"function '{fn.Name}' exited with code {exit} after its response"),
            _ => (InvocationOutcome.InvalidResponse, 502, $"function '{fn.Name}' did not return a valid CGI response (exit code {exit}): {output.Detail ?? "no output was read"}"),
        };
    }

    private static string Format(TimeSpan t) =>
        t.TotalSeconds >= 1 ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
