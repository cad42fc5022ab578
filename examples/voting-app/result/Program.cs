using System.Text.Json;
using Npgsql;
using ServerlessDocker.Functions;
using VotingApp;

// result: GET /result shows the counts (the page refreshes itself); GET /result/votes answers {"a": N, "b": M}.
return await CgiFunction.RunAsync(async (request, response, cancellationToken) =>
{
    var path = request.PathInfo.TrimEnd('/');
    if (request.Method is not ("GET" or "HEAD") || path is not ("" or "/votes"))
    {
        response.StatusCode = request.Method is "GET" or "HEAD" ? 404 : 405;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(response.StatusCode == 404 ? "not found\n" : "only GET is served here\n", cancellationToken);
        return;
    }

    VoteCounts counts;
    try
    {
        counts = await CountAsync(cancellationToken);
    }
    catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
    {
        await Console.Error.WriteLineAsync($"result: reading the votes failed: {ex.Message}");
        response.StatusCode = 503;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync("the votes cannot be read right now\n", cancellationToken);
        return;
    }

    response.Headers.Set("Cache-Control", "no-store");
    if (path == "/votes")
    {
        response.ContentType = "application/json";
        await response.WriteAsync(JsonSerializer.Serialize(counts, VotingJsonContext.Default.VoteCounts), cancellationToken);
        return;
    }

    response.ContentType = "text/html; charset=utf-8";
    await response.WriteAsync(ResultPage.Render(counts), cancellationToken);
});

static async Task<VoteCounts> CountAsync(CancellationToken cancellationToken)
{
    await using var dataSource = new NpgsqlSlimDataSourceBuilder(VotingOptions.ConnectionString).Build();
    await using var connection = await Database.OpenAsync(dataSource, cancellationToken);
    await using var query = new NpgsqlCommand(
        "SELECT count(*) FILTER (WHERE vote = 'a'), count(*) FILTER (WHERE vote = 'b') FROM votes", connection);
    await using var reader = await query.ExecuteReaderAsync(cancellationToken);
    await reader.ReadAsync(cancellationToken);
    return new VoteCounts(reader.GetInt64(0), reader.GetInt64(1));
}
