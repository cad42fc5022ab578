using System.Text;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Tests;

public sealed class TailBufferTests
{
    [Fact(Timeout = 10000)]
    public void ToString_LessThanCapacity_ReturnsEverything()
    {
        var tail = new TailBuffer(16);
        tail.Append("hello "u8);
        tail.Append("world"u8);

        Assert.Equal("hello world", tail.ToString());
    }

    [Fact(Timeout = 10000)]
    public void ToString_Empty_ReturnsEmpty()
    {
        Assert.Equal("", new TailBuffer(8).ToString());
    }

    [Fact(Timeout = 10000)]
    public void ToString_ManySmallWritesPastCapacity_KeepsTheLastBytesInOrder()
    {
        var tail = new TailBuffer(10);
        var all = new StringBuilder();
        for (var i = 0; i < 37; i++)
        {
            var piece = ((char)('a' + (i % 26))).ToString() + i % 10;
            all.Append(piece);
            tail.Append(Encoding.ASCII.GetBytes(piece));
        }

        Assert.Equal(all.ToString()[^10..], tail.ToString());
    }

    [Fact(Timeout = 10000)]
    public void ToString_ChunkLargerThanCapacity_KeepsItsEnd()
    {
        var tail = new TailBuffer(8);
        tail.Append("abc"u8);
        tail.Append("0123456789ABCDEF"u8);

        Assert.Equal("89ABCDEF", tail.ToString());

        tail.Append("xy"u8);
        Assert.Equal("ABCDEFxy", tail.ToString());
    }

    [Fact(Timeout = 10000)]
    public void ToString_ExactlyCapacity_ReturnsEverything()
    {
        var tail = new TailBuffer(4);
        tail.Append("ab"u8);
        tail.Append("cd"u8);

        Assert.Equal("abcd", tail.ToString());
    }
}
