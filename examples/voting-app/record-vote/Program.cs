using System.Globalization;
using Npgsql;
using ServerlessDocker.Functions;
using VotingApp;

// record-vote VOTER_ID VOTE VOTED_AT_UNIX_MS: writes one voter's vote; a later vote replaces an earlier one (a task
// started earlier but finishing later never overwrites the newer vote). Exit 0 when stored, 2 on bad arguments,
// 1 when the database fails; the reason goes to stderr.
return await PlainFunction.RunAsync(async (context, cancellationToken) =>
{
    var args = context.Args;
    if (args.Count != 3 || VoterIdIsInvalid(args[0]) || !VotingOptions.IsOption(args[1])
        || !long.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var votedAtMs))
    {
        await context.Stderr.WriteLineAsync("usage: record-vote VOTER_ID a|b VOTED_AT_UNIX_MS");
        return 2;
    }

    try
    {
        await using var dataSource = new NpgsqlSlimDataSourceBuilder(VotingOptions.ConnectionString).Build();
        await using var connection = await Database.OpenAsync(dataSource, cancellationToken);
        await using var upsert = new NpgsqlCommand(
            """
            INSERT INTO votes (voter_id, vote, voted_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))
            ON CONFLICT (voter_id) DO UPDATE SET vote = EXCLUDED.vote, voted_at = EXCLUDED.voted_at
            WHERE votes.voted_at <= EXCLUDED.voted_at
            """, connection);
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = args[0] });
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = args[1] });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = votedAtMs });
        var stored = await upsert.ExecuteNonQueryAsync(cancellationToken);
        await context.Stdout.WriteLineAsync(stored == 1 ? $"{args[0]} voted {args[1]}" : $"{args[0]}: a newer vote is already stored");
        return 0;
    }
    catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
    {
        await context.Stderr.WriteLineAsync($"record-vote: storing the vote of {args[0]} failed: {ex.Message}");
        return 1;
    }
});

static bool VoterIdIsInvalid(string value) =>
    value is not { Length: > 0 and <= 64 } || !value.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-');
