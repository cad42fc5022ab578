using System.Buffers.Binary;

namespace ServerlessDocker.Cli.Building;

/// <summary>Just enough ELF to tell a native executable and whether it needs a dynamic loader (PT_INTERP).</summary>
internal static class ElfFile
{
    private const uint ProgramInterpreter = 3;

    public static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic.SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']);
    }

    /// <summary>Whether a 64-bit little-endian ELF names an interpreter (ld-linux): a static binary does not.</summary>
    public static bool HasInterpreter(string path)
    {
        var header = new byte[64];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        var programHeaders = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(0x20));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x36));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x38));
        var entry = new byte[4];
        for (var i = 0; i < count; i++)
        {
            file.Position = programHeaders + ((long)i * entrySize);
            file.ReadExactly(entry);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) == ProgramInterpreter)
            {
                return true;
            }
        }

        return false;
    }
}
