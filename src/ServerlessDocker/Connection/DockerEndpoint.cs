using System.Collections;

namespace ServerlessDocker;

/// <summary>
/// Where the Docker engine is and how to talk to it, resolved the way the docker CLI does it.
/// </summary>
public sealed record DockerEndpoint
{
    /// <summary>The default endpoint when <c>DOCKER_HOST</c> is not set.</summary>
    public static readonly Uri DefaultUri = new("unix:///var/run/docker.sock");

    /// <summary>The engine's address: <c>unix:///path</c>, <c>tcp://host:port</c> or <c>http(s)://host:port</c>.</summary>
    public required Uri Uri { get; init; }

    /// <summary>Use TLS (set by <c>DOCKER_TLS_VERIFY</c> or an https endpoint).</summary>
    public bool UseTls { get; init; }

    /// <summary>Verify the engine's certificate against the CA in <see cref="CertificatePath"/>.</summary>
    public bool VerifyTls { get; init; }

    /// <summary>Folder with ca.pem, cert.pem and key.pem (<c>DOCKER_CERT_PATH</c>, default ~/.docker).</summary>
    public string? CertificatePath { get; init; }

    /// <summary>An API version to force (<c>DOCKER_API_VERSION</c>), or null to negotiate.</summary>
    public Version? ApiVersion { get; init; }

    /// <summary>Resolves the endpoint from the process environment (<c>DOCKER_HOST</c>, <c>DOCKER_TLS_VERIFY</c>,
    /// <c>DOCKER_CERT_PATH</c>, <c>DOCKER_API_VERSION</c>). This is the one place the library reads them.</summary>
    /// <exception cref="InvalidCommandException">A variable holds a value the CLI would refuse too.</exception>
    public static DockerEndpoint FromEnvironment() => FromEnvironment(host: null);

    /// <summary>Resolves the endpoint from the process environment, with <paramref name="host"/> in place of
    /// <c>DOCKER_HOST</c> when given (a flag or a configured Swarm manager); the TLS and API-version variables still apply.</summary>
    /// <param name="host">An engine address such as <c>tcp://manager:2376</c>, or null (or empty) for <c>DOCKER_HOST</c>.</param>
    /// <exception cref="InvalidCommandException">The address or a variable holds a value the CLI would refuse too.</exception>
    public static DockerEndpoint FromEnvironment(string? host)
    {
        var variables = System.Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(host))
        {
            variables["DOCKER_HOST"] = host;
        }

        return FromVariables(variables);
    }

    /// <summary>Resolves the endpoint from the given variables (<c>DOCKER_HOST</c>, <c>DOCKER_TLS_VERIFY</c>,
    /// <c>DOCKER_CERT_PATH</c>, <c>DOCKER_API_VERSION</c>).</summary>
    /// <exception cref="InvalidCommandException">A variable holds a value the CLI would refuse too.</exception>
    public static DockerEndpoint FromVariables(IReadOnlyDictionary<string, string> variables)
    {
        string? Get(string name) => variables.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var tlsVerify = Get("DOCKER_TLS_VERIFY") is { } tv && tv != "0" && !tv.Equals("false", StringComparison.OrdinalIgnoreCase);
        var certPath = Get("DOCKER_CERT_PATH")
                       ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".docker");
        var host = Get("DOCKER_HOST");
        var uri = host is null ? DefaultUri : ParseHost(host, tlsVerify);
        Version? apiVersion = null;
        if (Get("DOCKER_API_VERSION") is { } av)
        {
            if (!Version.TryParse(av.TrimStart('v'), out apiVersion) || apiVersion.Major < 1)
            {
                throw new InvalidCommandException("DOCKER_API_VERSION", $"'{av}' is not an API version; use a value such as 1.41, or unset it to negotiate.");
            }
        }

        return new DockerEndpoint
        {
            Uri = uri,
            UseTls = tlsVerify || uri.Scheme == "https",
            VerifyTls = tlsVerify,
            CertificatePath = tlsVerify || uri.Scheme == "https" ? certPath : null,
            ApiVersion = apiVersion,
        };
    }

    /// <summary>Parses a <c>DOCKER_HOST</c> value.</summary>
    public static Uri ParseHost(string host, bool tls = false)
    {
        const string hint = "use unix:///var/run/docker.sock or tcp://host:2376";
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = host["unix://".Length..];
            if (!path.StartsWith('/'))
            {
                throw new InvalidCommandException("DOCKER_HOST", $"'{host}' needs an absolute socket path; {hint}.");
            }

            return new Uri("unix://" + path);
        }

        if (host.StartsWith("tcp://", StringComparison.Ordinal) || host.StartsWith("http://", StringComparison.Ordinal) ||
            host.StartsWith("https://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(host, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
            {
                throw new InvalidCommandException("DOCKER_HOST", $"'{host}' is not a valid address; {hint}.");
            }

            var scheme = parsed.Scheme == "tcp" ? (tls ? "https" : "http") : parsed.Scheme;
            // Uri hides an explicit default port (http://engine:80), so look for the port in the text itself.
            var authority = host[(host.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
            var hasPort = authority.LastIndexOf(':') > authority.LastIndexOf(']');
            var port = hasPort ? parsed.Port : (scheme == "https" ? 2376 : 2375);
            return new UriBuilder(scheme, parsed.Host, port).Uri;
        }

        if (host.StartsWith("ssh://", StringComparison.Ordinal))
        {
            throw new InvalidCommandException("DOCKER_HOST", $"'{host}': ssh endpoints are not supported; forward the socket (ssh -L) and use unix:// or tcp://.");
        }

        throw new InvalidCommandException("DOCKER_HOST", $"'{host}' has an unknown scheme; {hint}.");
    }
}
