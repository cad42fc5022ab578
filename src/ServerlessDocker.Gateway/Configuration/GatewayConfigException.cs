namespace ServerlessDocker.Gateway.Configuration;

/// <summary>functions.yaml is invalid; the message names the file, line and column.</summary>
public sealed class GatewayConfigException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">File name (or a description) of the config.</param>
    /// <param name="line">1-based line of the error.</param>
    /// <param name="column">1-based column of the error.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="inner">The parser's exception, if any.</param>
    public GatewayConfigException(string source, int line, int column, string reason, Exception? inner = null)
        : base($"{source}:{line}:{column}: {reason}", inner)
    {
        Source = source;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>File name (or a description) of the config.</summary>
    public new string Source { get; }

    /// <summary>1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }
}
