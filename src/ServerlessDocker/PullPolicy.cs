namespace ServerlessDocker;

/// <summary>When a run pulls its image.</summary>
public enum PullPolicy
{
    /// <summary>Pull only when the image is not on the engine (the default).</summary>
    Missing,

    /// <summary>Pull before every run.</summary>
    Always,

    /// <summary>Never pull; a missing image is an <see cref="ImageNotFoundException"/>.</summary>
    Never,
}
