using System.Globalization;
using ServerlessDocker;

namespace VotingApp;

/// <summary>
/// Starts the detached record-vote task with the core library, through this call's own scoped Docker API (the
/// <c>DOCKER_HOST</c> the gateway's proxy injected; never the host's socket). The call does not wait for it: the
/// proxy lets it finish after the call has ended (the policy's <c>leftoverGrace</c>) and removes it once it has exited.
/// </summary>
internal static class RecordVoteTask
{
    /// <summary>Starts <c>record-vote VOTER VOTE UNIX_MS</c> on the app's network; returns the container ID.</summary>
    public static async Task<string> StartAsync(string voterId, string vote, DateTimeOffset votedAt, CancellationToken cancellationToken)
    {
        await using var docker = DockerFunctions.FromEnvironment();
        var command = docker.Command(Setting("VOTING_RECORD_IMAGE"), [voterId, vote, votedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)])
            .WithNetworkMode(Setting("VOTING_NETWORK"))
            .WithEnvironment("VOTING_DB", VotingOptions.ConnectionString)
            .WithLabel("io.sdock.voting-app.task", "record-vote")
            .WithMemoryLimit(64L * 1024 * 1024)
            .WithPidsLimit(64)
            .WithReadOnlyRootFilesystem();
        if (Environment.GetEnvironmentVariable("VOTING_APP_NAME") is { Length: > 0 } app)
        {
            // The app's own label: `scripts/voting-app down` finds every container of the app by it.
            command = command.WithLabel("io.sdock.voting-app", app);
        }

        // Not disposed on purpose: disposing the handle would remove the task before it has stored the vote.
        var task = await command.StartDetachedAsync(cancellationToken);
        return task.Id;
    }

    /// <summary>The first characters of an ID, for the log line.</summary>
    public static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set");
}
