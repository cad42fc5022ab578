namespace ServerlessDocker.Proxy;

/// <summary>What the proxy does with a request its policy would deny.</summary>
public enum PolicyMode
{
    /// <summary>Deny it (403) and audit the denial.</summary>
    Enforce,

    /// <summary>
    /// Forward it anyway and audit it as <c>warn</c>, to learn what a client needs. Scoping (ownership,
    /// forced filters, canonical paths, framing) is always enforced: only policy rules are relaxed.
    /// </summary>
    Warn,
}
