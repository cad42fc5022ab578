namespace ServerlessDocker;

/// <summary>
/// The image is not on the engine and the pull policy did not allow (or could not complete) a pull.
/// </summary>
public sealed class ImageNotFoundException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public ImageNotFoundException(string image, PullPolicy pullPolicy, string? pullError = null)
        : base(pullPolicy == PullPolicy.Never
            ? $"Image '{image}' is not on the engine and the pull policy is 'never'. Build or pull it first (docker build -t {image} ...), or use pull policy 'missing'."
            : $"Image '{image}' is not on the engine and pulling it failed: {pullError ?? "unknown error"}. Check the name and that the registry is reachable, or build it locally.")
    {
        Image = image;
        PullPolicy = pullPolicy;
        PullError = pullError;
    }

    /// <summary>The image that was asked for.</summary>
    public string Image { get; }

    /// <summary>The pull policy in force.</summary>
    public PullPolicy PullPolicy { get; }

    /// <summary>What the engine said when the pull failed, if a pull was tried.</summary>
    public string? PullError { get; }
}
