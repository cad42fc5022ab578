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
}
