using System.Formats.Tar;
using System.Text;

namespace ServerlessDocker.Cli.Building;

/// <summary>
/// The build context of a function image: a Dockerfile <c>FROM scratch</c> that copies one root filesystem layer
/// (the executable at /NAME, and /usr/share/zoneinfo when asked) and runs the executable as its entrypoint.
/// Nothing else is in the image: no shell, no libc files, no CA bundle, no ICU.
/// </summary>
internal static class ScratchImageContext
{
    public const string ZoneInfoDirectory = "/usr/share/zoneinfo";

    public static string Dockerfile(string executableName) =>
        $"FROM scratch\nCOPY rootfs/ /\nENTRYPOINT [\"/{executableName}\"]\n";

    /// <summary>Writes the context as a tar file and returns its path.</summary>
    public static async Task<string> WriteAsync(string executable, bool withTimeZones, string directory, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(executable);
        var path = Path.Combine(directory, "context.tar");
        await using var file = File.Create(path);
        await using (var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true))
        {
            var dockerfile = new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile")
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(Dockerfile(name))),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            await tar.WriteEntryAsync(dockerfile, cancellationToken);

            var entry = new PaxTarEntry(TarEntryType.RegularFile, "rootfs/" + name)
            {
                DataStream = File.OpenRead(executable),
                Mode = (UnixFileMode)0b111_101_101,
            };
            await using (entry.DataStream)
            {
                await tar.WriteEntryAsync(entry, cancellationToken);
            }

            if (withTimeZones)
            {
                if (!Directory.Exists(ZoneInfoDirectory))
                {
                    throw new BuildException($"--with-tzdata needs the time zone database at {ZoneInfoDirectory}: install it (Debian: apt-get install tzdata).");
                }

                foreach (var source in Directory.EnumerateFileSystemEntries(ZoneInfoDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var relative = Path.GetRelativePath("/", source);
                    await tar.WriteEntryAsync(source, "rootfs/" + relative, cancellationToken);
                }
            }
        }

        return path;
    }
}
