using System.CommandLine;
using System.Text.Json;

namespace ServerlessDocker.Cli.Commands;

/// <summary>
/// `sdock jobs list | history JOB | run JOB | suspend JOB | resume JOB`: the scheduled jobs of a running
/// `sdock serve`, through its admin API (--url / SDOCK_URL, --token / SDOCK_ADMIN_TOKEN).
/// </summary>
internal static class JobsCommand
{
    /// <summary>Where the gateway listens when neither --url nor SDOCK_URL says (sdock serve's default).</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = $"The gateway (its admin listener, if it has one); default $SDOCK_URL or {DefaultUrl}.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SDOCK_URL") is { Length: > 0 } u ? u : DefaultUrl,
            Recursive = true,
        };
        var token = new Option<string?>("--token")
        {
            Description = "The gateway's admin token (gateway.adminToken); default $SDOCK_ADMIN_TOKEN.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SDOCK_ADMIN_TOKEN"),
            Recursive = true,
        };

        var command = new Command("jobs", "List, inspect and control the scheduled jobs of a running 'sdock serve'.") { url, token };
        command.Subcommands.Add(List(url, token));
        command.Subcommands.Add(History(url, token));
        command.Subcommands.Add(Post("run", "Start a run of JOB now (its slot is the current second).", "run", url, token, (job, body) =>
            $"{job}: run started (slot {Text(body, "slot")})"));
        command.Subcommands.Add(Post("suspend", "Stop starting runs of JOB (running runs go on; persisted across restarts).", "suspend", url, token, (job, _) =>
            $"{job}: suspended"));
        command.Subcommands.Add(Post("resume", "Start runs of JOB again (slots passed while suspended follow its misfire policy).", "resume", url, token, (job, _) =>
            $"{job}: resumed"));
        return command;
    }

    private static Command List(Option<string> url, Option<string?> token)
    {
        var command = new Command("list", "List the jobs: schedule, next run, running runs and the last run.");
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            using var client = new JobsClient(parse.GetValue(url)!, parse.GetValue(token));
            var body = await client.GetAsync("/admin/jobs", ct);
            JobsTable.WriteJobs(Console.Out, body.GetProperty("jobs"), DateTimeOffset.UtcNow);
            return 0;
        });
        return command;
    }

    private static Command History(Option<string> url, Option<string?> token)
    {
        var job = new Argument<string>("JOB") { Description = "The job (a key under 'jobs:')." };
        var limit = new Option<int>("--limit", "-n") { Description = "How many entries, newest first.", DefaultValueFactory = _ => 20 };
        var command = new Command("history", "Show a job's runs, and the slots that did not run, newest first.") { job, limit };
        command.SetAction(async (parse, ct) =>
        {
            using var client = new JobsClient(parse.GetValue(url)!, parse.GetValue(token));
            var name = parse.GetValue(job)!;
            var body = await client.GetAsync($"/admin/jobs/{Uri.EscapeDataString(name)}/runs?limit={Math.Clamp(parse.GetValue(limit), 1, 1000)}", ct);
            JobsTable.WriteRuns(Console.Out, body.GetProperty("runs"));
            return 0;
        });
        return command;
    }

    private static Command Post(string verb, string description, string action, Option<string> url, Option<string?> token, Func<string, JsonElement, string> done)
    {
        var job = new Argument<string>("JOB") { Description = "The job (a key under 'jobs:')." };
        var command = new Command(verb, description) { job };
        command.SetAction(async (parse, ct) =>
        {
            using var client = new JobsClient(parse.GetValue(url)!, parse.GetValue(token));
            var name = parse.GetValue(job)!;
            var body = await client.PostAsync($"/admin/jobs/{Uri.EscapeDataString(name)}/{action}", name, ct);
            Console.Out.WriteLine(done(name, body));
            return 0;
        });
        return command;
    }

    private static string Text(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
}
