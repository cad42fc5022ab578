using ServerlessDocker.Functions.Internal;

namespace ServerlessDocker.Functions;

/// <summary>
/// Runs a CGI function: builds the <see cref="CgiRequest"/>, calls the handler, writes the <see cref="CgiResponse"/>.
/// <code>return await CgiFunction.RunAsync(async (request, response, ct) => response.Write("hello"));</code>
/// </summary>
public static class CgiFunction
{
    /// <summary>
    /// Runs <paramref name="handler"/> on this process's CGI request. SIGTERM cancels its token. Returns the exit
    /// code: 0 when a response was written (4xx for a bad request included), 1 after an unhandled exception
    /// (answered 500, the error on stderr), 143 when cancelled by SIGTERM (answered 503).
    /// </summary>
    public static async Task<int> RunAsync(Func<CgiRequest, CgiResponse, CancellationToken, Task> handler)
    {
        using var signal = new TerminationSignal(CancellationToken.None);
        return await RunAsync(handler, FunctionHost.FromProcess(), signal.Token).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="handler"/> on <paramref name="host"/>'s CGI variables and streams.</summary>
    public static async Task<int> RunAsync(Func<CgiRequest, CgiResponse, CancellationToken, Task> handler, FunctionHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(host);
        var response = new CgiResponse();
        int exitCode;
        try
        {
            var request = CgiRequest.FromEnvironment(host.Environment, host.Stdin, host.MaxBodyBytes);
            await handler(request, response, cancellationToken).ConfigureAwait(false);
            exitCode = 0;
        }
        catch (FunctionRequestException e)
        {
            ErrorReport.Write(host.Stderr, $"bad request ({e.StatusCode}): {e.Message}");
            response = Plain(e.StatusCode, e.Message);
            exitCode = 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ErrorReport.Write(host.Stderr, "cancelled: the function was asked to stop (SIGTERM)");
            response = Plain(503, "The function was stopped before it answered.");
            exitCode = ErrorReport.Terminated;
        }
#pragma warning disable CA1031 // Any failure of the handler becomes a 500; the details go to stderr, not the client.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ErrorReport.Write(host.Stderr, "unhandled exception in the function", e);
            response = Plain(500, "Internal Server Error");
            exitCode = ErrorReport.Failure;
        }

        try
        {
            await response.WriteCgiAsync(host.Stdout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The gateway closed stdout (client gone, timeout): the response has nowhere to go.
            ErrorReport.Write(host.Stderr, "could not write the response", e);
            return exitCode == 0 ? ErrorReport.Failure : exitCode;
        }

        return exitCode;
    }

    private static CgiResponse Plain(int status, string message)
    {
        var response = new CgiResponse { StatusCode = status };
        response.Write(message).Write("\n"u8);
        return response;
    }
}
