using System.Text;

namespace ServerlessDocker.Tests;

public sealed class PipeSourceTests
{
    private static async Task<byte[]> CopyAsync(PipeSource source)
    {
        var destination = new MemoryStream();
        await source.CopyToAsync(destination, TestContext.Current.CancellationToken);
        return destination.ToArray();
    }

    [Fact(Timeout = 10000)]
    public async Task FromString_Text_IsUtf8WithoutBom()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("ä\n"), await CopyAsync(PipeSource.FromString("ä\n")));
    }

    [Fact(Timeout = 10000)]
    public async Task FromString_OtherEncoding_UsesIt()
    {
        Assert.Equal(Encoding.Latin1.GetBytes("ä"), await CopyAsync(PipeSource.FromString("ä", Encoding.Latin1)));
    }

    [Fact(Timeout = 10000)]
    public async Task FromBytes_Data_IsCopiedExactly()
    {
        byte[] data = [0, 1, 2, 255];

        Assert.Equal(data, await CopyAsync(PipeSource.FromBytes(data)));
    }

    [Fact(Timeout = 10000)]
    public async Task FromStream_LargeStream_IsCopiedToItsEnd()
    {
        var data = new byte[500_000];
        Random.Shared.NextBytes(data);

        Assert.Equal(data, await CopyAsync(PipeSource.FromStream(new MemoryStream(data))));
    }

    [Fact(Timeout = 10000)]
    public async Task FromFile_File_IsCopied()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "from a file", TestContext.Current.CancellationToken);

            Assert.Equal("from a file", Encoding.UTF8.GetString(await CopyAsync(PipeSource.FromFile(path))));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact(Timeout = 10000)]
    public async Task Create_Delegate_WritesIntoTheDestination()
    {
        var source = PipeSource.Create((destination, ct) => destination.WriteAsync("custom"u8.ToArray(), ct).AsTask());

        Assert.Equal("custom", Encoding.UTF8.GetString(await CopyAsync(source)));
    }

    [Fact(Timeout = 10000)]
    public async Task Null_IsNullAndWritesNothing()
    {
        Assert.True(PipeSource.Null.IsNull);
        Assert.False(PipeSource.FromString("").IsNull);
        Assert.Empty(await CopyAsync(PipeSource.Null));
    }
}
