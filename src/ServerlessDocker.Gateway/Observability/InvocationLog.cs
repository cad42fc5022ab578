using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Observability;

/// <summary>The most recent calls, in memory (a ring of <c>capacity</c> entries), for the dashboard and admin API.</summary>
internal sealed class InvocationLog(int capacity = 200)
{
    private readonly LinkedList<InvocationRecord> _records = new();
    private readonly Lock _lock = new();

    /// <summary>Adds or replaces (same id) a record.</summary>
    /// <param name="record">The call.</param>
    public void Record(InvocationRecord record)
    {
        lock (_lock)
        {
            for (var node = _records.First; node is not null; node = node.Next)
            {
                if (node.Value.Id == record.Id)
                {
                    node.Value = record;
                    return;
                }
            }

            _records.AddFirst(record);
            while (_records.Count > capacity)
            {
                _records.RemoveLast();
            }
        }
    }

    /// <summary>Newest first.</summary>
    /// <param name="function">Only this function's calls, or all when null.</param>
    /// <param name="limit">At most this many.</param>
    public IReadOnlyList<InvocationRecord> Recent(string? function = null, int limit = 50)
    {
        lock (_lock)
        {
            return _records.Where(r => function is null || r.Function == function).Take(limit).ToList();
        }
    }

    /// <summary>One call by id.</summary>
    /// <param name="id">The X-Call-Id.</param>
    public InvocationRecord? Find(string id)
    {
        lock (_lock)
        {
            return _records.FirstOrDefault(r => r.Id == id);
        }
    }

    internal static InvocationRecord From(FunctionDefinition fn, InvocationInput input, InvocationKind kind, InvocationResult result, DateTimeOffset startedAt) => new()
    {
        Id = input.CallId,
        Function = fn.Name,
        Kind = kind,
        Method = input.Request.Method,
        Path = input.Request.Path,
        StartedAt = startedAt,
        Status = result.StatusCode,
        ExitCode = result.ExitCode,
        DurationMs = result.Duration.TotalMilliseconds,
        ContainerId = result.ContainerId,
        Error = result.Error,
        Logs = result.Stderr,
    };
}
