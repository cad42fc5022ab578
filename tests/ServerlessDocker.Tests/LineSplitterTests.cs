using System.Text;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Tests;

public sealed class LineSplitterTests
{
    private static LineSplitter Stdout() => new(line => new StandardOutputContainerEvent(line));

    private static string[] Texts(IEnumerable<ContainerEvent> events) =>
        events.Select(e => Assert.IsType<StandardOutputContainerEvent>(e).Text).ToArray();

    [Fact(Timeout = 10000)]
    public void Push_CompleteLines_YieldsEachWithoutItsBreak()
    {
        Assert.Equal(["a", "bb", ""], Texts(Stdout().Push("a\nbb\n\n"u8)));
    }

    [Fact(Timeout = 10000)]
    public void Push_LineSplitAcrossChunks_IsJoined()
    {
        var splitter = Stdout();

        Assert.Empty(splitter.Push("hel"u8));
        Assert.Equal(["hello", "wor"], Texts(splitter.Push("lo\nwor\n"u8)));
    }

    [Fact(Timeout = 10000)]
    public void Push_CrLf_StripsTheCarriageReturn()
    {
        Assert.Equal(["dos", "unix"], Texts(Stdout().Push("dos\r\nunix\n"u8)));
    }

    [Fact(Timeout = 10000)]
    public void Push_MultiByteCharacterSplitAcrossChunks_DecodesIt()
    {
        var bytes = Encoding.UTF8.GetBytes("h€llo\n");
        var splitter = Stdout();

        // "€" is 3 bytes (1..3): cut inside it.
        Assert.Empty(splitter.Push(bytes.AsSpan(0, 2)));
        Assert.Equal(["h€llo"], Texts(splitter.Push(bytes.AsSpan(2))));
    }

    [Fact(Timeout = 10000)]
    public void Flush_UnterminatedLastLine_IsYielded()
    {
        var splitter = Stdout();
        splitter.Push("a\nlast"u8);

        Assert.Equal(["last"], Texts(splitter.Flush()));
    }

    [Fact(Timeout = 10000)]
    public void Flush_NothingPending_YieldsNothing()
    {
        var splitter = Stdout();
        splitter.Push("a\n"u8);

        Assert.Empty(splitter.Flush());
    }
}
