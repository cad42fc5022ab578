using System.Net.Sockets;
using System.Text.Json;

namespace VotingApp;

/// <summary>
/// Starts the detached record-vote task through the function's own scoped Docker API (its <c>DOCKER_HOST</c>, a socket
/// the gateway's proxy mounted): two Engine API calls, create and start, with JSON written and read by hand so the
/// function stays NativeAOT-clean. The call does not wait: the proxy removes the task once it has exited.
/// </summary>
internal static class RecordVoteTask
{
    private const string ApiVersion = "v1.41";

    /// <summary>Creates and starts <c>record-vote VOTER VOTE UNIX_MS</c> on the app's network; returns the container ID.</summary>
    public static async Task<string> StartAsync(string voterId, string vote, DateTimeOffset votedAt, CancellationToken cancellationToken)
    {
        var image = Setting("VOTING_RECORD_IMAGE");
        var network = Setting("VOTING_NETWORK");
        var connectionString = VotingOptions.ConnectionString;

        using var http = Connect();
        using var create = new ByteArrayContent(CreateBody(image, network, connectionString, voterId, vote, votedAt));
        create.Headers.ContentType = new("application/json");
        using var created = await http.PostAsync($"/{ApiVersion}/containers/create", create, cancellationToken).ConfigureAwait(false);
        var answer = await created.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating the record-vote task failed: {(int)created.StatusCode} {answer.Trim()}");
        }

        using var document = JsonDocument.Parse(answer);
        var id = document.RootElement.GetProperty("Id").GetString()
            ?? throw new InvalidOperationException("the engine's create answer holds no Id");
        using var started = await http.PostAsync($"/{ApiVersion}/containers/{id}/start", content: null, cancellationToken).ConfigureAwait(false);
        if (!started.IsSuccessStatusCode)
        {
            var reason = await started.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"starting the record-vote task failed: {(int)started.StatusCode} {reason.Trim()}");
        }

        return id;
    }

    private static byte[] CreateBody(string image, string network, string connectionString, string voterId, string vote, DateTimeOffset votedAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("Image", image);
            json.WriteStartArray("Cmd");
            json.WriteStringValue(voterId);
            json.WriteStringValue(vote);
            json.WriteStringValue(votedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndArray();
            json.WriteStartArray("Env");
            json.WriteStringValue("VOTING_DB=" + connectionString);
            json.WriteEndArray();
            json.WriteStartObject("Labels");
            json.WriteString("io.sdock.voting-app.task", "record-vote");
            if (Environment.GetEnvironmentVariable("VOTING_APP_NAME") is { Length: > 0 } app)
            {
                // The app's own label: `scripts/voting-app down` finds every container of the app by it.
                json.WriteString("io.sdock.voting-app", app);
            }

            json.WriteEndObject();
            json.WriteStartObject("HostConfig");
            json.WriteString("NetworkMode", network);
            json.WriteBoolean("ReadonlyRootfs", true);
            json.WriteNumber("Memory", 64L * 1024 * 1024);
            json.WriteNumber("PidsLimit", 64);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static HttpClient Connect()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
        if (!host.StartsWith("unix://", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"DOCKER_HOST must be the scoped unix socket, not '{host}'");
        }

        var socketPath = host["unix://".Length..];
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://docker"), Timeout = TimeSpan.FromSeconds(20) };
    }

    private static string Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set");

    /// <summary>Kept for the page: the first characters of an ID, for the log line.</summary>
    public static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
