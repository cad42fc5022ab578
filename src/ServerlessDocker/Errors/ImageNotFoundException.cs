namespace ServerlessDocker;

/// <summary>
/// The image could not be had: it is not on the engine and the pull policy did not allow (or could not complete)
/// a pull, or the policy is <see cref="PullPolicy.Always"/> and the pull failed (a local copy is not used then).
/// </summary>
public sealed class ImageNotFoundException : ServerlessDockerException
{
    /// <summary>Creates the exception.</summary>
    public ImageNotFoundException(string image, PullPolicy pullPolicy, string? pullError = null)
        : base(pullPolicy switch
        {
            PullPolicy.Never => $"Image '{image}' is not on the engine and the pull policy is 'never'. Build or pull it first (docker build -t {image} ...), or use pull policy 'missing'.",
            PullPolicy.Always => $"Pulling image '{image}' failed and the pull policy 'always' does not fall back to a local copy: {pullError ?? "unknown error"}. Check that the registry is reachable, or use pull policy 'missing' to run a local copy.",
            _ => $"Image '{image}' is not on the engine and pulling it failed: {pullError ?? "unknown error"}. Check the name and that the registry is reachable, or build it locally.",
        })
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
