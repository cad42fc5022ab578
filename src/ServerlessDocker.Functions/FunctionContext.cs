using System.Text;

namespace ServerlessDocker.Functions;

/// <summary>What a plain function gets: its arguments, environment, stdin, and writers for stdout and stderr.</summary>
public sealed class FunctionContext
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private TextReader? _stdinReader;

    internal FunctionContext(FunctionHost host)
    {
        Host = host;
        Stdout = new StreamWriter(host.Stdout, Utf8NoBom, 4096, leaveOpen: true);
        Stderr = new StreamWriter(host.Stderr, Utf8NoBom, 1024, leaveOpen: true) { AutoFlush = true };
    }

    /// <summary>The host this function runs on.</summary>
    public FunctionHost Host { get; }

    /// <summary>The command-line arguments (the container's command).</summary>
    public IReadOnlyList<string> Args => Host.Args;

    /// <summary>The environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment => Host.Environment;

    /// <summary>Standard input as bytes.</summary>
    public Stream Stdin => Host.Stdin;

    /// <summary>Standard input as UTF-8 text.</summary>
    public TextReader StdinReader => _stdinReader ??= new StreamReader(Host.Stdin, Utf8NoBom, detectEncodingFromByteOrderMarks: false, 4096, leaveOpen: true);

    /// <summary>Standard output as bytes (flush <see cref="Stdout"/> first when mixing the two).</summary>
    public Stream StdoutStream => Host.Stdout;

    /// <summary>Standard output as UTF-8 text; flushed when the function returns.</summary>
    public TextWriter Stdout { get; }

    /// <summary>Standard error as UTF-8 text (flushed on every write).</summary>
    public TextWriter Stderr { get; }

    /// <summary>The value of environment variable <paramref name="name"/>, or null.</summary>
    public string? GetEnvironmentVariable(string name) => Environment.TryGetValue(name, out var value) ? value : null;

    /// <summary>The value of environment variable <paramref name="name"/>; a clear error when it is unset or empty.</summary>
    public string GetRequiredEnvironmentVariable(string name) =>
        GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new FunctionConfigurationException($"The environment variable {name} is not set; pass it to the function (e.g. `env:` in functions.yaml or --env).");
}
