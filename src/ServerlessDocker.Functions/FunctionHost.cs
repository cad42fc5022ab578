using System.Collections;

namespace ServerlessDocker.Functions;

/// <summary>
/// Where a function's inputs and outputs are: the process's own (<see cref="FromProcess"/>) or given streams, for
/// tests and embedding. Immutable; change it with the <c>WithX</c> methods.
/// </summary>
public sealed record FunctionHost
{
    private FunctionHost(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, Stream stdin, Stream stdout, Stream stderr)
    {
        Args = args;
        Environment = environment;
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The command-line arguments (without the program's name).</summary>
    public IReadOnlyList<string> Args { get; init; }

    /// <summary>The environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Standard input.</summary>
    public Stream Stdin { get; init; }

    /// <summary>Standard output.</summary>
    public Stream Stdout { get; init; }

    /// <summary>Standard error.</summary>
    public Stream Stderr { get; init; }

    /// <summary>The request body cap of CGI functions (default <see cref="CgiRequest.DefaultMaxBodyBytes"/>).</summary>
    public long MaxBodyBytes { get; init; } = CgiRequest.DefaultMaxBodyBytes;

    /// <summary>This process: its arguments, environment and standard streams.</summary>
    public static FunctionHost FromProcess()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        var args = System.Environment.GetCommandLineArgs();
        return new FunctionHost(args.Length > 0 ? args[1..] : [], environment, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.OpenStandardError());
    }

    /// <summary>A host on the given streams, with no arguments and an empty environment.</summary>
    public static FunctionHost Create(Stream stdin, Stream stdout, Stream stderr)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return new FunctionHost([], new Dictionary<string, string>(), stdin, stdout, stderr);
    }

    /// <summary>A copy with these arguments.</summary>
    public FunctionHost WithArgs(params IEnumerable<string> args) => this with { Args = [.. args] };

    /// <summary>A copy with this environment (CGI variables for a CGI function).</summary>
    public FunctionHost WithEnvironment(IReadOnlyDictionary<string, string> environment) =>
        this with { Environment = environment ?? throw new ArgumentNullException(nameof(environment)) };

    /// <summary>A copy with this request body cap.</summary>
    public FunctionHost WithMaxBodyBytes(long maxBodyBytes) =>
        this with { MaxBodyBytes = maxBodyBytes >= 0 ? maxBodyBytes : throw new ArgumentOutOfRangeException(nameof(maxBodyBytes)) };
}
