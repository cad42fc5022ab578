using System.Text.Json;

namespace ServerlessDocker.Proxy.Audit;

/// <summary>Writes one JSON line per decision: time, scope, method, canonical path, verdict, status and reason.</summary>
internal sealed class AuditLog(TextWriter? writer, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();

    /// <summary>Records a decision (no-op without a writer).</summary>
    public void Write(string scope, string method, string path, string verdict, int status, string? reason)
    {
        if (writer is null)
        {
            return;
        }

        var line = JsonSerializer.Serialize(new AuditEntry(timeProvider.GetUtcNow(), scope, method, path, verdict, status, reason), AuditJsonContext.Default.AuditEntry);
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
