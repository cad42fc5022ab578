namespace ServerlessDocker.Gateway.Configuration;

/// <summary>One function the gateway serves: which image runs, where it is routed and within which limits.</summary>
public sealed record FunctionDefinition
{
    /// <summary>The function's name (the key under <c>functions:</c>). This field is required.</summary>
    public required string Name { get; init; }

    /// <summary>The image to run for each call. This field is required.</summary>
    public required string Image { get; init; }

    /// <summary>Extra route prefix (besides <c>/function/{name}</c>), for example <c>/leftpad</c>; null for none.</summary>
    public string? Route { get; init; }

    /// <summary>CGI (default) or plain.</summary>
    public FunctionMode Mode { get; init; } = FunctionMode.Cgi;

    /// <summary>Local engine (default) or Swarm.</summary>
    public BackendKind Backend { get; init; } = BackendKind.Local;

    /// <summary>Arguments given to the image's entrypoint (the container command).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Extra environment variables; they override CGI variables of the same name.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Wall-clock limit of one call; the container is stopped and removed when it fires (504).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls that may run at the same time.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Calls that may wait for a free slot; one more gets 429.</summary>
    public int QueueLength { get; init; } = 16;

    /// <summary>Largest request body accepted (413 above).</summary>
    public long MaxRequestBodyBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>Largest response body sent; the call is cut off above it.</summary>
    public long MaxResponseBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>Memory limit of the container in bytes; null for the engine's default.</summary>
    public long? MemoryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>CPU limit in cores; null for no limit.</summary>
    public double? Cpus { get; init; }

    /// <summary>Process limit of the container; null for none.</summary>
    public long? PidsLimit { get; init; } = 64;

    /// <summary>Network mode of the container; <c>none</c> by default so a function reaches nothing it was not given.</summary>
    public string NetworkMode { get; init; } = "none";

    /// <summary>Whether the root filesystem is read-only (default true).</summary>
    public bool ReadOnlyRootFilesystem { get; init; } = true;

    /// <summary>Content type of a plain-mode response.</summary>
    public string PlainContentType { get; init; } = "text/plain; charset=utf-8";

    /// <summary>Whether invoking the function needs the gateway's invoke token (when one is configured).</summary>
    public bool RequireAuth { get; init; } = true;

    /// <summary>
    /// Whether each call's container gets its own scoped Docker API (<c>dockerAccess: scoped</c>) at
    /// <c>/var/run/docker.sock</c>: it can run child containers, sees only those, and they are removed with it.
    /// </summary>
    public bool ScopedDockerAccess { get; init; }

    /// <summary>
    /// <c>warm:</c> — calls run as fresh processes in pooled containers (see docs/designs/warm.md) instead of a
    /// container each; null runs every call cold.
    /// </summary>
    public Warm.WarmPoolOptions? Warm { get; init; }

    /// <summary>The proxy policy file for <see cref="ScopedDockerAccess"/> (<c>dockerAccess: scoped:policy.yaml</c>);
    /// null for the built-in default-deny policy.</summary>
    public string? DockerAccessPolicyPath { get; init; }

    /// <summary>Retries of asynchronous calls.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>The YAML line this function was declared on (0 when built in code).</summary>
    public int SourceLine { get; init; }
}
