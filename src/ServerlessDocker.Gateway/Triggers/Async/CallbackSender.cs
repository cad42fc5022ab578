using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Http;

namespace ServerlessDocker.Gateway.Triggers.Async;

/// <summary>POSTs a finished asynchronous call's result to its X-Callback-Url (OpenFaaS's header names).</summary>
internal sealed class CallbackSender(CallStore store, FunctionRouter router, TimeProvider time, ILogger<CallbackSender> logger) : IDisposable
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];
    // No redirects: an allowed callback host must not be able to bounce the POST to a host that is not allowed.
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public async Task DeliverAsync(AsyncCall call, CancellationToken cancellationToken)
    {
        if (call.CallbackUrl is null)
        {
            return;
        }

        // Checked again at delivery: the call may have been accepted under an older callbackHosts list.
        if (CallbackPolicy.Check(call.CallbackUrl, router.Gateway.CallbackHosts) is { } refused)
        {
            logger.LogWarning("Callback of {CallId} to {Url} refused: {Error}", call.Id, call.CallbackUrl, refused);
            await store.SaveCallbackAsync(call.Id, "failed", "refused: " + refused, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        string? error = null;
        for (var attempt = 0; attempt <= Delays.Length; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(Delays[attempt - 1], time, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                using var content = new ByteArrayContent(call.Output);
                content.Headers.ContentType = MediaTypeHeaderValue.TryParse(call.OutputContentType, out var ct) ? ct : new MediaTypeHeaderValue("application/octet-stream");
                using var request = new HttpRequestMessage(HttpMethod.Post, call.CallbackUrl) { Content = content };
                request.Headers.Add("X-Call-Id", call.Id);
                request.Headers.Add("X-Function-Name", call.Function);
                request.Headers.Add("X-Function-Status", (call.HttpStatus ?? 0).ToString(CultureInfo.InvariantCulture));
                request.Headers.Add("X-Call-Status", call.Status.ToString().ToLowerInvariant());
                request.Headers.Add("X-Attempts", call.Attempts.ToString(CultureInfo.InvariantCulture));
                if (call.ExitCode is { } exit)
                {
                    request.Headers.Add("X-Exit-Code", exit.ToString(CultureInfo.InvariantCulture));
                }

                request.Headers.Add("X-Duration-Seconds", ((call.DurationMs ?? 0) / 1000).ToString("0.###", CultureInfo.InvariantCulture));
                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    await store.SaveCallbackAsync(call.Id, "delivered", null, CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                error = $"callback answered {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = ex.Message;
            }
        }

        logger.LogWarning("Callback of {CallId} to {Url} failed: {Error}", call.Id, call.CallbackUrl, error);
        await store.SaveCallbackAsync(call.Id, "failed", error, CancellationToken.None).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();
}
