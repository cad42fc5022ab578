namespace ServerlessDocker;

/// <summary>A progress report from an image pull.</summary>
/// <param name="Image">The image being pulled.</param>
/// <param name="Status">The engine's status line ("Downloading", "Pull complete", ...).</param>
/// <param name="LayerId">The layer it is about, if any.</param>
/// <param name="Current">Bytes done for that layer, if known.</param>
/// <param name="Total">Bytes in all for that layer, if known.</param>
public sealed record PullProgress(string Image, string Status, string? LayerId, long? Current, long? Total);
