using System.CommandLine;

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

    /// <summary>The policy file named by the option's value, or null for the built-in policy; bad values are refused.</summary>
    public static string? PolicyPath(string access)
    {
        if (access != "scoped" && !access.StartsWith("scoped:", StringComparison.Ordinal))
        {
            throw new InvalidCommandException("--docker-access", $"'{access}' is not 'scoped' or 'scoped:POLICY.yaml'.");
        }

        return access.Length > 7 ? access[7..] : null;
    }
}
