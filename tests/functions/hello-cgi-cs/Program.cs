using System.Text.Json.Serialization;
using ServerlessDocker.Functions;

if (Environment.GetEnvironmentVariable("GATEWAY_INTERFACE") is null)
{
    // Plain: `hello-cgi-cs WORD...` echoes its arguments and the stdin it was given.
    return await PlainFunction.RunAsync(async (context, ct) =>
    {
        var stdin = await context.StdinReader.ReadToEndAsync(ct);
        await context.Stdout.WriteLineAsync($"hello {string.Join(' ', context.Args)}; stdin: {stdin.Trim()}");
        return context.Args.Contains("fail") ? 3 : 0;
    });
}

return await CgiFunction.RunAsync(async (request, response, ct) =>
{
    switch (request.PathInfo)
    {
        case "/json":
            response.WriteJson(new Greeting(request.Query["name"] ?? "world", request.Method), HelloJson.Default.Greeting);
            break;
        case "/form":
            var form = await request.ReadFormAsync(ct);
            response.SetCookie("seen", "1", CookieOptions.Default.WithMaxAge(TimeSpan.FromDays(1)));
            await response.WriteAsync($"form vote={form["vote"]} cookie={request.Cookies.GetValueOrDefault("seen", "-")}\n", ct);
            break;
        case "/boom":
            throw new InvalidOperationException("boom on purpose");
        default:
            await response.WriteAsync($"hello {request.Query["name"] ?? "world"} from {request.Method} {request.ScriptName}{request.PathInfo}\n", ct);
            break;
    }
});

internal sealed record Greeting(string Name, string Method);

[JsonSerializable(typeof(Greeting))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class HelloJson : JsonSerializerContext;
