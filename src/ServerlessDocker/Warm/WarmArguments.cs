namespace ServerlessDocker.Warm;

/// <summary>The argv of a call, combined from the image and the command exactly as the engine does for a cold run.</summary>
internal static class WarmArguments
{
    /// <summary>
    /// The engine's merge of a create request with the image: a non-empty entrypoint on the command replaces the
    /// image's and discards its CMD (as <c>docker run --entrypoint</c>); otherwise the command's arguments, else the
    /// image's CMD, follow the image's entrypoint (none at all when the command set an empty one).
    /// </summary>
    public static IReadOnlyList<string> Combine(
        IReadOnlyList<string>? imageEntrypoint, IReadOnlyList<string>? imageCmd,
        IReadOnlyList<string>? commandEntrypoint, IReadOnlyList<string> commandArguments)
    {
        if (commandEntrypoint is { Count: > 0 })
        {
            return [.. commandEntrypoint, .. commandArguments];
        }

        var entrypoint = commandEntrypoint is null ? imageEntrypoint ?? [] : [];
        var arguments = commandArguments.Count > 0 ? commandArguments : imageCmd ?? [];
        return [.. entrypoint, .. arguments];
    }

    /// <summary>
    /// The container config's environment as the engine makes it for a cold run: the command's variables in their
    /// order, then the image's that the command does not set. (The agent then lays it over PATH and HOSTNAME and adds
    /// HOME, as the engine and runtime do.)
    /// </summary>
    public static IReadOnlyList<string> MergeEnvironment(IReadOnlyList<string> commandEnvironment, IReadOnlyList<string> imageEnvironment)
    {
        if (commandEnvironment.Count == 0)
        {
            return imageEnvironment;
        }

        var merged = new List<string>(commandEnvironment);
        foreach (var entry in imageEnvironment)
        {
            var key = Key(entry);
            if (!commandEnvironment.Any(e => Key(e) == key))
            {
                merged.Add(entry);
            }
        }

        return merged;

        static string Key(string entry) => entry.IndexOf('=') is var eq and >= 0 ? entry[..eq] : entry;
    }
}
