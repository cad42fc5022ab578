namespace ServerlessDocker;

/// <summary>An image the engine built: its id, the tag it got and its size.</summary>
/// <param name="Id">The image id (<c>sha256:…</c>).</param>
/// <param name="Tag">The tag it was given.</param>
/// <param name="Size">Its size in bytes as the engine reports it.</param>
public sealed record ImageBuildResult(string Id, string Tag, long Size);
