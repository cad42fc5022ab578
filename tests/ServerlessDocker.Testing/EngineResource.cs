namespace ServerlessDocker.Testing;

/// <summary>What kind of engine object a test may leave behind.</summary>
public enum EngineResourceKind
{
    /// <summary>A container (running or not).</summary>
    Container,

    /// <summary>A named volume.</summary>
    Volume,

    /// <summary>A network.</summary>
    Network,
}

/// <summary>One container, volume or network on the engine, with its labels as the docker CLI prints them.</summary>
public sealed record EngineResource(EngineResourceKind Kind, string Id, string Labels)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Id} ({Labels})";
}
