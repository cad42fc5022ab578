using System.Diagnostics;
using System.Text;

namespace ServerlessDocker.Testing;

/// <summary>The outcome of a child process.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, int ProcessId, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";

    /// <summary>The exit code and both streams as one text (standard output first).</summary>
    public void Deconstruct(out int exitCode, out string output)
    {
        exitCode = ExitCode;
        output = StandardOutput + StandardError;
    }
}

/// <summary>Runs a child process to completion, with optional stdin, and kills it when the token fires.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> to completion; the token kills the whole process tree.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken,
        string? standardInput = null, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var pid = process.Id;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(new StringBuilder(standardInput), cancellationToken);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            return new ProcessResult(process.ExitCode, await stdout, await stderr, pid, watch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
