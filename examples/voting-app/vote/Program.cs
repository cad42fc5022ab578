using ServerlessDocker;
using ServerlessDocker.Functions;
using VotingApp;

// vote: GET /vote shows the poll; POST /vote (form field vote=a|b) records the vote by starting a detached
// record-vote task through this call's scoped Docker socket, and shows the vote.
return await CgiFunction.RunAsync(async (request, response, cancellationToken) =>
{
    if (request.Method is "GET" or "HEAD")
    {
        await VotePage.WriteAsync(response, chosen: null, notice: null, cancellationToken);
        return;
    }

    if (request.Method != "POST")
    {
        response.StatusCode = 405;
        response.Headers.Set("Allow", "GET, HEAD, POST");
        await VotePage.WriteAsync(response, chosen: null, notice: ("Only GET and POST are served here.", true), cancellationToken);
        return;
    }

    var form = await request.ReadFormAsync(cancellationToken);
    var vote = form["vote"];
    if (!VotingOptions.IsOption(vote))
    {
        response.StatusCode = 400;
        await VotePage.WriteAsync(response, chosen: null, notice: ("Pick one of the two options.", true), cancellationToken);
        return;
    }

    var voterId = VoterId.FromCookie(request.Cookies.TryGetValue(VoterId.CookieName, out var cookie) ? cookie : null);
    if (voterId is null)
    {
        voterId = VoterId.New();
        response.SetCookie(VoterId.CookieName, voterId, CookieOptions.Default.WithMaxAge(TimeSpan.FromDays(365)));
    }

    try
    {
        var task = await RecordVoteTask.StartAsync(voterId, vote!, DateTimeOffset.UtcNow, cancellationToken);
        await Console.Error.WriteLineAsync($"voter {voterId} voted {vote}: record-vote {RecordVoteTask.Short(task)} started");
    }
    catch (Exception ex) when (ex is ServerlessDockerException or InvalidOperationException or HttpRequestException or IOException)
    {
        await Console.Error.WriteLineAsync($"voter {voterId}: could not start record-vote: {ex.Message}");
        response.StatusCode = 503;
        await VotePage.WriteAsync(response, chosen: null, notice: ("Your vote could not be recorded right now. Please try again.", true), cancellationToken);
        return;
    }

    await VotePage.WriteAsync(response, vote, ($"Thanks! You voted for {VotingOptions.Label(vote!)}. You can change your mind at any time.", false), cancellationToken);
});
