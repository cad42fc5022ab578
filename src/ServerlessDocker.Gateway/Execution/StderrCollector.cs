using System.Text;
using Microsoft.Extensions.Logging;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>The function's stderr: every line to the log, and the first <c>limit</c> characters kept for the dashboard.</summary>
internal sealed class StderrCollector(string function, string callId, ILogger logger, int limit = 16 * 1024)
{
    private readonly StringBuilder _kept = new();
    private readonly Lock _lock = new();

    public void OnLine(string line)
    {
        logger.LogInformation("[{Function} {CallId}] {Line}", function, callId, line);
        lock (_lock)
        {
            if (_kept.Length < limit)
            {
                _kept.Append(line.Length + _kept.Length > limit ? line[..(limit - _kept.Length)] : line).Append('\n');
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _kept.ToString();
        }
    }
}
