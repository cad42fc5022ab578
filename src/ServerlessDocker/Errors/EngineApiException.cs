using System.Net;

namespace ServerlessDocker;

/// <summary>
/// The engine refused a request. Carries the HTTP status and the engine's own message.
/// </summary>
public sealed class EngineApiException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public EngineApiException(string operation, HttpStatusCode statusCode, string responseBody, Exception? innerException = null)
        : base($"The Docker engine refused to {operation} ({(int)statusCode}): {ExtractMessage(responseBody)}", innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>What the library was doing, in words (for example "create the container").</summary>
    public string Operation { get; }

    /// <summary>The HTTP status the engine answered with.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The raw response body.</summary>
    public string ResponseBody { get; }

    internal static string ExtractMessage(string? body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body ?? "");
            if (doc.RootElement.TryGetProperty("message", out var m) && m.GetString() is { } s)
            {
                return s;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return body?.Trim() ?? "";
    }
}
