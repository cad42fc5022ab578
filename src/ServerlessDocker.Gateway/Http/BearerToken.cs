using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ServerlessDocker.Gateway.Http;

/// <summary>Checks <c>Authorization: Bearer &lt;token&gt;</c> in constant time.</summary>
internal static class BearerToken
{
    public static bool Matches(HttpRequest request, string expected) =>
        Matches(request.Headers.Authorization.ToString(), expected);

    /// <summary>True when one of <paramref name="headers"/> is <c>Authorization: Bearer &lt;expected&gt;</c>.</summary>
    public static bool Matches(IEnumerable<KeyValuePair<string, string>> headers, string expected) =>
        headers.Any(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && Matches(h.Value, expected));

    private static bool Matches(string header, string expected)
    {
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant-time compare so the token cannot be guessed byte by byte from response times.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()), Encoding.UTF8.GetBytes(expected));
    }

    public static async Task WriteUnauthorizedAsync(HttpContext context, string realm)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{realm}\"";
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"401 a valid 'Authorization: Bearer <token>' header is required for {realm}\n", context.RequestAborted).ConfigureAwait(false);
    }
}
