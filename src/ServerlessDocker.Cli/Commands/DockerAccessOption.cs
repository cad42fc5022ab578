using System.CommandLine;
using ServerlessDocker.Proxy;

namespace ServerlessDocker.Cli.Commands;

/// <summary>
/// `sdock run --docker-access scoped[:policy.yaml]`: the container gets its own scoped Docker API (an in-process
/// proxy for the run's lifetime), mounted at /var/run/docker.sock; what it starts is removed with it.
/// </summary>
internal static class DockerAccessOption
{
    public static readonly Option<string?> Option = new("--docker-access")
    {
        Description = "Give the container a scoped Docker API: 'scoped' (built-in policy) or 'scoped:policy.yaml'. It sees only what it starts; that is removed with it.",
    };

    /// <summary>Starts a proxy and adds the hook when the option is given; the caller disposes the proxy after the run.</summary>
    public static async Task<(ContainerCommand Command, ScopedDockerProxy? Proxy)> ApplyAsync(ContainerCommand command, ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(Option) is not { } access)
        {
            return (command, null);
        }

        if (access != "scoped" && !access.StartsWith("scoped:", StringComparison.Ordinal))
        {
            throw new InvalidCommandException("--docker-access", $"'{access}' is not 'scoped' or 'scoped:POLICY.yaml'.");
        }

        var options = await ProxyOptionsAsync(null, access.Length > 7 ? access[7..] : null, cancellationToken);
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
