using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>A real local HTTP listener (Kestrel, ephemeral port) that records the callbacks it receives.</summary>
internal sealed class CallbackListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedCallback> _received = Channel.CreateUnbounded<ReceivedCallback>();

    private int _requests;

    private CallbackListener(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Starts the listener; the first <paramref name="failFirst"/> requests are recorded and answered 503.</summary>
    public static async Task<CallbackListener> StartAsync(CancellationToken cancellationToken, int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var listener = new CallbackListener(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            await listener._received.Writer.WriteAsync(new ReceivedCallback(headers, body), context.RequestAborted);
            return Interlocked.Increment(ref listener._requests) <= failFirst ? Results.StatusCode(503) : Results.Ok();
        });
        await app.StartAsync(cancellationToken);
        listener.Url = app.Urls.First() + "/hook";
        return listener;
    }

    public async Task<ReceivedCallback> NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        return await _received.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record ReceivedCallback(IReadOnlyDictionary<string, string> Headers, string Body);
