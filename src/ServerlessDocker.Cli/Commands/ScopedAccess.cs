using System.CommandLine;
using ServerlessDocker.Proxy;

namespace ServerlessDocker.Cli.Commands;

/// <summary>Starts the in-process proxy behind `--docker-access` and the proxy options `sdock proxy` shares.</summary>
internal static class ScopedAccess
{
    /// <summary>Starts a proxy and adds the hook when the option is given; the caller disposes the proxy after the run.</summary>
    public static async Task<(ContainerCommand Command, IAsyncDisposable? Proxy)> ApplyAsync(ContainerCommand command, ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(DockerAccessOption.Option) is not { } access)
        {
            return (command, null);
        }

        var options = await ProxyOptionsAsync(null, DockerAccessOption.PolicyPath(access), cancellationToken);
        var proxy = await ScopedDockerProxy.StartAsync(options, cancellationToken);
        return (command.WithScopedDockerAccess(proxy), proxy);
    }

    /// <summary>Resolves the upstream (flag, else DOCKER_HOST, else the default socket; TLS variables included) and loads the policy file if any.</summary>
    public static async Task<ProxyOptions> ProxyOptionsAsync(string? upstream, string? policyPath, CancellationToken cancellationToken)
    {
        var engine = DockerEndpoint.FromEnvironment(upstream);
        ProxyPolicy policy;
        try
        {
            policy = policyPath is null ? ProxyPolicy.Default : await ProxyPolicyLoader.LoadAsync(policyPath, cancellationToken);
        }
        catch (IOException ex)
        {
            // A ProxyPolicyException already names the file and the field; only a read failure needs translating.
            throw new InvalidCommandException("--policy", $"cannot read '{policyPath}': {ex.Message}");
        }

        return new ProxyOptions { Upstream = engine, Policy = policy };
    }
}
