using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ServerlessDocker.Gateway.Http;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
builder.Services.AddContainerFunctions();
var app = builder.Build();
app.MapContainerFunction("/hello/{**path}", "hello-cgi");

// Serve, call the function through Kestrel like any client, print the answer, stop.
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(address) };
using var response = await http.GetAsync("/hello/dotnet?x=1");
Console.Write($"{(int)response.StatusCode} {response.Content.Headers.ContentType}\n{await response.Content.ReadAsStringAsync()}");
await app.StopAsync();
