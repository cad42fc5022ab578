using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ServerlessDocker.Cli.Commands;

/// <summary>
/// The jobs part of a running gateway's admin API (<c>/admin/jobs…</c>, bearer admin token), with every failure
/// turned into one line that says what to check.
/// </summary>
internal sealed class JobsClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _url;

    public JobsClient(string url, string? token)
    {
        if (!Uri.TryCreate(url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new JobsCommandException($"--url '{url}' is not a gateway address; write it as http://HOST:PORT (the address 'sdock serve' listens on).");
        }

        _url = uri.GetLeftPart(UriPartial.Authority);
        _http = new HttpClient { BaseAddress = new Uri(_url), Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>Posts to <paramref name="path"/>; a 409 is reported with the gateway's reason.</summary>
    public Task<JsonElement> PostAsync(string path, string? job, CancellationToken ct) => SendAsync(HttpMethod.Post, path, job, ct);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? job, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path);
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new JobsCommandException($"cannot reach the gateway at {_url} ({ex.Message}); is 'sdock serve' running there? Point --url or SDOCK_URL at it.", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new JobsCommandException($"the gateway at {_url} did not answer within 30s; is 'sdock serve' running there?", ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized:
                    throw new JobsCommandException(_http.DefaultRequestHeaders.Authorization is null
                        ? $"the gateway at {_url} wants its admin token; pass --token or set SDOCK_ADMIN_TOKEN (the file's gateway.adminToken)."
                        : body.Contains("disabled", StringComparison.Ordinal)
                            ? $"the gateway at {_url} has no admin API (set gateway.adminToken in its functions.yaml)."
                            : $"the gateway at {_url} refused the admin token; pass the file's gateway.adminToken with --token or SDOCK_ADMIN_TOKEN.");
                case HttpStatusCode.NotFound when job is not null || path.StartsWith("/admin/jobs/", StringComparison.Ordinal):
                case HttpStatusCode.Conflict:
                    throw new JobsCommandException(FirstLine(body, $"{(int)response.StatusCode} from {_url}{path}") + (response.StatusCode == HttpStatusCode.NotFound ? " ('sdock jobs list' shows the jobs)" : ""));
                case HttpStatusCode.NotFound:
                    throw new JobsCommandException($"{_url} answered 404 for {path}: {FirstLine(body, "not found")}; is it an 'sdock serve' gateway?");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new JobsCommandException($"the gateway at {_url} answered {(int)response.StatusCode} for {path}: {FirstLine(body, "no reason given")}");
            }

            try
            {
                using var doc = JsonDocument.Parse(body);
                return doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new JobsCommandException($"{_url}{path} did not answer JSON; is it an 'sdock serve' gateway?", ex);
            }
        }
    }

    private static string FirstLine(string body, string fallback)
    {
        var line = body.Trim().Trim('"').Split('\n')[0].Trim();
        return line.Length == 0 ? fallback : line;
    }

    public void Dispose() => _http.Dispose();
}
