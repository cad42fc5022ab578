using System.Text;

namespace ServerlessDocker.Internal;

/// <summary>Turns a byte stream into text lines, keeping an incomplete last line (and split UTF-8 sequences) for later.</summary>
internal sealed class LineSplitter(Func<string, ContainerEvent> create)
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _pending = new();

    public List<ContainerEvent> Push(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var count = _decoder.GetChars(bytes, chars, flush: false);
        var events = new List<ContainerEvent>();
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            if (chars[i] != '\n')
            {
                continue;
            }

            _pending.Append(chars, start, i - start);
            var line = _pending.ToString();
            events.Add(create(line.EndsWith('\r') ? line[..^1] : line));
            _pending.Clear();
            start = i + 1;
        }

        _pending.Append(chars, start, count - start);
        return events;
    }

    public List<ContainerEvent> Flush() =>
        _pending.Length == 0 ? [] : [create(_pending.ToString())];
}
