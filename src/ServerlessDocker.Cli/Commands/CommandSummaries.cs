namespace ServerlessDocker.Cli.Commands;

/// <summary>One-line summaries of the commands the native build hands to the full build, so both list them alike.</summary>
internal static class CommandSummaries
{
    public const string Serve = "Serve functions over HTTP: a container per request (CGI or plain), async calls, dashboard and metrics.";
    public const string Proxy = "Serve a scoped Docker API socket: the tenant sees and manages only what it creates, under a default-deny policy.";
}
