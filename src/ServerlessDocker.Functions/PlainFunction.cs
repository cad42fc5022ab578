using ServerlessDocker.Functions.Internal;

namespace ServerlessDocker.Functions;

/// <summary>
/// Runs a plain function: arguments and stdin in, stdout out, the handler's result as the exit code.
/// <code>return await PlainFunction.RunAsync(async (context, ct) => { context.Stdout.WriteLine("hi"); return 0; });</code>
/// </summary>
public static class PlainFunction
{
    /// <summary>
    /// Runs <paramref name="handler"/> on this process. SIGTERM cancels its token. Returns the handler's exit code;
    /// 1 after an unhandled exception (the error on stderr), 143 when cancelled by SIGTERM.
    /// </summary>
    public static async Task<int> RunAsync(Func<FunctionContext, CancellationToken, Task<int>> handler)
    {
        using var signal = new TerminationSignal(CancellationToken.None);
        return await RunAsync(handler, FunctionHost.FromProcess(), signal.Token).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="handler"/> on <paramref name="host"/>.</summary>
    public static async Task<int> RunAsync(Func<FunctionContext, CancellationToken, Task<int>> handler, FunctionHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(host);
        var context = new FunctionContext(host);
        int exitCode;
        try
        {
            exitCode = await handler(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ErrorReport.Write(host.Stderr, "cancelled: the function was asked to stop (SIGTERM)");
            exitCode = ErrorReport.Terminated;
        }
        catch (ServerlessDockerException e)
        {
            // The library's own errors already say what went wrong and what to do: one line is enough.
            ErrorReport.Write(host.Stderr, e.Message);
            exitCode = ErrorReport.Failure;
        }
#pragma warning disable CA1031 // Any failure of the handler becomes exit code 1 with the details on stderr.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ErrorReport.Write(host.Stderr, "unhandled exception in the function", e);
            exitCode = ErrorReport.Failure;
        }

        try
        {
            await context.Stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await context.Stderr.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            ErrorReport.Write(host.Stderr, "could not write the output", e);
            return exitCode == 0 ? ErrorReport.Failure : exitCode;
        }

        return exitCode;
    }
}
