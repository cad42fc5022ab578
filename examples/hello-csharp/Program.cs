using System.Net;
using ServerlessDocker.Functions;

// Under a gateway (`sdock serve`) this is a CGI function; run directly (`sdock run`) it is a plain one.
if (Environment.GetEnvironmentVariable("GATEWAY_INTERFACE") is null)
{
    return await PlainFunction.RunAsync(async (context, ct) =>
    {
        var name = context.Args.Count > 0 ? string.Join(' ', context.Args) : "world";
        await context.Stdout.WriteLineAsync($"hello, {name}!");
        return 0;
    });
}

return await CgiFunction.RunAsync(async (request, response, ct) =>
{
    var name = request.Query["name"] ?? "world";
    if (request.IsMethod("POST"))
    {
        name = (await request.ReadFormAsync(ct))["name"] ?? name;
    }

    var visits = int.TryParse(request.Cookies.GetValueOrDefault("visits"), out var n) ? n + 1 : 1;
    response.SetCookie("visits", visits.ToString(System.Globalization.CultureInfo.InvariantCulture), CookieOptions.Default.WithMaxAge(TimeSpan.FromDays(30)));
    response.ContentType = "text/html; charset=utf-8";
    await response.WriteAsync($"""
        <!doctype html>
        <title>hello</title>
        <h1>hello, {WebUtility.HtmlEncode(name)}!</h1>
        <p>visit {visits}</p>
        <form method="post"><input name="name" placeholder="your name"> <button>greet</button></form>
        """, ct);
});
