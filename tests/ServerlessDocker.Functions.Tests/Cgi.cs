using System.Text;

namespace ServerlessDocker.Functions.Tests;

/// <summary>Builds CGI requests and runs handlers on in-memory streams.</summary>
internal static class Cgi
{
    public static CgiRequest Request(string? body = null, params (string Name, string Value)[] variables) =>
        Request(body is null ? [] : Encoding.UTF8.GetBytes(body), variables);

    public static CgiRequest Request(byte[] body, params (string Name, string Value)[] variables) =>
        CgiRequest.FromEnvironment(variables.ToDictionary(v => v.Name, v => v.Value), new MemoryStream(body));

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        Func<CgiRequest, CgiResponse, CancellationToken, Task> handler,
        string body = "",
        CancellationToken cancellationToken = default,
        params (string Name, string Value)[] variables)
    {
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var host = FunctionHost.Create(new MemoryStream(Encoding.UTF8.GetBytes(body)), stdout, stderr)
            .WithEnvironment(variables.ToDictionary(v => v.Name, v => v.Value));
        var code = await CgiFunction.RunAsync(handler, host, cancellationToken);
        return (code, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }
}
