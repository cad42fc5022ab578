using System.Net;
using System.Net.Sockets;
using Docker.DotNet;

namespace ServerlessDocker.Internal;

/// <summary>Turns transport and API failures into the library's typed, actionable exceptions.</summary>
internal static class EngineErrors
{
    public static async Task<T> CallAsync<T>(Uri endpoint, string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(endpoint, operation, ex) is { } translated)
        {
            throw translated;
        }
    }

    public static async Task CallAsync(Uri endpoint, string operation, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(endpoint, operation, ex) is { } translated)
        {
            throw translated;
        }
    }

    public static Exception? Translate(Uri endpoint, string operation, Exception ex) => ex switch
    {
        ServerlessDockerException or OperationCanceledException => null,
        DockerApiException api => new EngineApiException(operation, api.StatusCode, api.ResponseBody ?? "", api),
        _ when IsUnreachable(ex) => new EngineUnavailableException(endpoint, ex),
        _ => null,
    };

    public static bool IsNoSuchImage(DockerApiException ex) =>
        ex.StatusCode == HttpStatusCode.NotFound &&
        EngineApiException.ExtractMessage(ex.ResponseBody).Contains("No such image", StringComparison.OrdinalIgnoreCase);

    public static bool IsNotFound(Exception ex) =>
        ex is DockerApiException { StatusCode: HttpStatusCode.NotFound } or EngineApiException { StatusCode: HttpStatusCode.NotFound };

    private static bool IsUnreachable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException or HttpRequestException { InnerException: null } or DockerConfigurationException)
            {
                return true;
            }
        }

        return false;
    }
}
