using System.Net;
using System.Text.Json;

namespace ServerlessDocker.VotingApp.IntegrationTests;

/// <summary>One person with a browser's cookie jar of one cookie: posts <c>vote=a|b</c> to <c>/vote</c>.</summary>
public sealed class Voter(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>The <c>voter_id</c> cookie the app gave this voter (null before the first vote).</summary>
    public string? VoterId { get; private set; }

    /// <summary>Votes; returns the status and the page.</summary>
    public async Task<(HttpStatusCode Status, string Page)> VoteAsync(string option, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/vote")
        {
            Content = new FormUrlEncodedContent([new("vote", option)]),
        };
        if (VoterId is not null)
        {
            request.Headers.Add("Cookie", $"voter_id={VoterId}");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var page = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';')[0];
                if (pair.StartsWith("voter_id=", StringComparison.Ordinal))
                {
                    Assert.Null(VoterId);
                    VoterId = pair["voter_id=".Length..];
                }
            }
        }

        return (response.StatusCode, page);
    }

    /// <summary>GET /result/votes as (a, b).</summary>
    public static async Task<(long A, long B)> CountsAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync("/result/votes", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (json.RootElement.GetProperty("a").GetInt64(), json.RootElement.GetProperty("b").GetInt64());
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
