namespace ServerlessDocker.Proxy.Engine;

/// <summary>What the proxy needs to know about an engine object to decide ownership.</summary>
/// <param name="Id">The full ID (or the name, for volumes, whose name is their ID).</param>
/// <param name="Labels">The object's labels (never null).</param>
/// <param name="Names">Names or tags of the object (container name, image repo tags, network name).</param>
internal sealed record EngineObject(string Id, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Names);
