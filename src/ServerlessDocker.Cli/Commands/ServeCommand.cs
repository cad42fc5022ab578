using System.CommandLine;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Hosting;

namespace ServerlessDocker.Cli.Commands;

/// <summary>`sdock serve -f functions.yaml [--listen 127.0.0.1:8080]`: the standalone HTTP function gateway.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file", "-f")
        {
            Description = "The functions.yaml to serve; it is reloaded when it changes (a bad edit is rejected and the running config stays).",
            DefaultValueFactory = _ => "functions.yaml",
        };
        var listen = new Option<string>("--listen", "-l")
        {
            Description = "Where to listen: host:port, :port (all interfaces) or port.",
            DefaultValueFactory = _ => "127.0.0.1:8080",
        };
        var adminListen = new Option<string?>("--admin-listen")
        {
            Description = "Serve the admin API, dashboard and metrics on this address only (host:port, :port or port), apart from the functions. Off by default.",
        };
        var command = new Command("serve", CommandSummaries.Serve) { file, listen, adminListen };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"sdock: {path} does not exist; write a functions.yaml (see docs/gateway.md) or pass -f FILE.");
                return SdockApp.ErrorExitCode;
            }

            try
            {
                await using var host = await GatewayHost.StartAsync(new GatewayHostOptions { ConfigPath = path, Listen = parse.GetValue(listen)!, AdminListen = parse.GetValue(adminListen) }, ct);
                var pages = host.AdminAddress ?? host.BaseAddress;
                Console.Error.WriteLine($"sdock: serving {host.CurrentConfig.Functions.Count} function(s) from {path} on {host.BaseAddress} (dashboard: {pages}dashboard, metrics: {pages}metrics)");
                await host.WaitForShutdownAsync(ct);
                return 0;
            }
            catch (GatewayConfigException ex)
            {
                Console.Error.WriteLine($"sdock: {ex.Message}");
                return SdockApp.ErrorExitCode;
            }
            catch (IOException ex)
            {
                // Kestrel reports a taken port as an IOException ("address already in use").
                Console.Error.WriteLine($"sdock: cannot listen on {parse.GetValue(listen)}{(parse.GetValue(adminListen) is { } a ? $" and {a}" : "")}: {ex.Message}");
                return SdockApp.ErrorExitCode;
            }

        });
        return command;
    }
}
