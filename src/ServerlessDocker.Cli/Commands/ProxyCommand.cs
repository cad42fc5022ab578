using System.CommandLine;
using ServerlessDocker.Proxy;

namespace ServerlessDocker.Cli.Commands;

/// <summary>
/// `sdock proxy [--policy policy.yaml] --scope NAME --socket PATH [--upstream unix:///var/run/docker.sock] [--audit FILE]`:
/// serves one scoped Docker API socket for a named tenant until interrupted.
/// </summary>
internal static class ProxyCommand
{
    public static Command Create()
    {
        var policy = new Option<string?>("--policy") { Description = "Policy YAML (docs/proxy.md); the built-in safe defaults without it." };
        var scope = new Option<string>("--scope") { Description = "The tenant's scope name ([a-z0-9_.-]); it sees what it created before under the same name.", Required = true };
        var socket = new Option<string>("--socket") { Description = "The unix socket to serve (created with mode 0600).", Required = true };
        var upstream = new Option<string?>("--upstream") { Description = "The real engine (default: DOCKER_HOST, else unix:///var/run/docker.sock)." };
        var audit = new Option<string?>("--audit") { Description = "Append audit lines (JSON) to this file; '-' for stderr." };
        var command = new Command("proxy", CommandSummaries.Proxy)
        {
            policy, scope, socket, upstream, audit,
        };
        command.SetAction(async (parse, ct) =>
        {
            // Socket continuations run on the epoll thread (no thread-pool hop per read): set before the first socket exists.
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
            var options = await ScopedAccess.ProxyOptionsAsync(parse.GetValue(upstream), parse.GetValue(policy), ct);
            var auditPath = parse.GetValue(audit);
            await using var auditWriter = auditPath is null or "-" ? null : new StreamWriter(auditPath, append: true);
            options = options with { AuditLog = auditPath == "-" ? Console.Error : auditWriter };
            await using var proxy = await ScopedDockerProxy.StartAsync(options, ct);
            var tenant = await proxy.CreateScopeAsync(parse.GetValue(scope)!, parse.GetValue(socket), cancellationToken: ct);
            Console.Error.WriteLine($"sdock: serving scope '{tenant.Path}' on {tenant.SocketPath} ({options.Policy.Mode} mode); export DOCKER_HOST={tenant.DockerHost}");
            // Stop cleanly on SIGINT/SIGTERM so the scope's socket is deleted on the way out.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;

            void Stop(System.Runtime.InteropServices.PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }
}
