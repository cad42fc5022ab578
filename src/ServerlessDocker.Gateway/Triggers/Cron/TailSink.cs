using System.Text;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>A job run's stdout sink: keeps the last <c>limit</c> bytes (a job's end says how it went), drops the rest.</summary>
internal sealed class TailSink(int limit) : IResponseSink
{
    private readonly Queue<byte> _tail = new();

    public bool HasStarted { get; private set; }

    public bool Truncated { get; private set; }

    public void Start(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers) => HasStarted = true;

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        foreach (var b in data.Span)
        {
            _tail.Enqueue(b);
            if (_tail.Count > limit)
            {
                _tail.Dequeue();
                Truncated = true;
            }
        }

        return Task.CompletedTask;
    }

    public void Abort()
    {
    }

    /// <summary>The kept bytes as UTF-8 text (a marker first when earlier output was dropped).</summary>
    public override string ToString() => (Truncated ? "[...]\n" : "") + Encoding.UTF8.GetString([.. _tail]);
}
