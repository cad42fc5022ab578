namespace ServerlessDocker.Proxy;

/// <summary>A proxy policy (YAML) is malformed or holds a value the proxy refuses. The message names the file and the field.</summary>
public sealed class ProxyPolicyException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The policy file, or null for policy text given directly.</param>
    /// <param name="problem">What is wrong and how to write it instead.</param>
    /// <param name="innerException">The parser's error, if any.</param>
    public ProxyPolicyException(string? path, string problem, Exception? innerException = null)
        : base(path is null ? $"invalid proxy policy: {problem}" : $"invalid proxy policy {path}: {problem}", innerException)
    {
        PolicyPath = path;
        Problem = problem;
    }

    /// <summary>The policy file, or null when the policy was given as text.</summary>
    public string? PolicyPath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
