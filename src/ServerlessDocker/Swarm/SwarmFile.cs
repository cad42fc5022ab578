using System.Text;

namespace ServerlessDocker.Swarm;

/// <summary>
/// A Swarm secret or config mounted into a task: either one that already exists (by name), or data that the
/// backend stores as a labelled secret/config for this run only and removes afterwards.
/// </summary>
public sealed record SwarmFile
{
    private SwarmFile(string target, string? existingName, byte[]? data)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            throw new InvalidCommandException("swarm file", "a target file name is required, for example \"db-password\" or \"/etc/app.conf\".");
        }

        Target = target;
        ExistingName = existingName;
        Data = data;
    }

    /// <summary>The file name in the task (secrets: under <c>/run/secrets/</c>; configs: absolute path or under <c>/</c>).</summary>
    public string Target { get; }

    /// <summary>The name of an existing secret/config, or null when <see cref="Data"/> is set.</summary>
    public string? ExistingName { get; }

    /// <summary>The content to store for this run only, or null when <see cref="ExistingName"/> is set.</summary>
    public IReadOnlyList<byte>? Data { get; }

    /// <summary>Mounts an existing secret or config (created with <c>docker secret create</c> / <c>docker config create</c>).</summary>
    public static SwarmFile Existing(string name, string? target = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidCommandException("swarm file", "the name of an existing secret or config is required.");
        }

        return new SwarmFile(target ?? name, name, null);
    }

    /// <summary>Stores <paramref name="data"/> for this run only and mounts it at <paramref name="target"/>.</summary>
    public static SwarmFile FromBytes(string target, ReadOnlySpan<byte> data) => new(target, null, data.ToArray());

    /// <summary>Stores <paramref name="text"/> (UTF-8) for this run only and mounts it at <paramref name="target"/>.</summary>
    public static SwarmFile FromString(string target, string text) => new(target, null, Encoding.UTF8.GetBytes(text));

    internal byte[] DataArray => Data as byte[] ?? [];
}
