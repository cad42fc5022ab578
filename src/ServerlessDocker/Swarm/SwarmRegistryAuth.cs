using Docker.DotNet.Models;

namespace ServerlessDocker.Swarm;

/// <summary>
/// Registry credentials for a private image. The manager stores them with the service and hands them to the
/// node that runs the task, so workers can pull an image they have no login for.
/// </summary>
/// <param name="ServerAddress">The registry, for example <c>registry.example.com:5000</c>.</param>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password or token.</param>
public sealed record SwarmRegistryAuth(string ServerAddress, string Username, string Password)
{
    internal AuthConfig ToAuthConfig() => new() { ServerAddress = ServerAddress, Username = Username, Password = Password };

    /// <summary>Hides the password.</summary>
    public override string ToString() => $"{Username}@{ServerAddress}";
}
