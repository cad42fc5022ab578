using System.Text;

namespace ServerlessDocker.Proxy.IntegrationTests.Infrastructure;

/// <summary>A thread-safe in-memory audit log the tests can search.</summary>
public sealed class AuditCapture : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }
}
