using System.Diagnostics.Contracts;

namespace ServerlessDocker.Warm;

/// <summary>Warm pools on <see cref="DockerFunctions"/>.</summary>
public static class WarmDockerFunctionsExtensions
{
    /// <summary>A warm pool of <paramref name="image"/> on this client's engine.</summary>
    /// <exception cref="InvalidCommandException">The options make no sense, the agent is missing, or the unix-socket
    /// transport was asked of a remote engine.</exception>
    public static WarmPool WarmPool(this DockerFunctions docker, string image, WarmPoolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(docker);
        return docker.WarmPool(docker.Command(image).WithBackend(docker.LocalBackend), options);
    }

    /// <summary>
    /// A warm pool whose containers are created like <paramref name="template"/> (image, user, limits, network, mounts,
    /// read-only root); calls on it must agree with those. The template's arguments, entrypoint, environment and
    /// working directory are not used: each call brings its own.
    /// </summary>
    public static WarmPool WarmPool(this DockerFunctions docker, ContainerCommand template, WarmPoolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(docker);
        ArgumentNullException.ThrowIfNull(template);
        options ??= new WarmPoolOptions();
        options.Validate();
        var local = docker.Endpoint.Uri.Scheme == "unix";
        var transport = options.Transport == WarmTransport.Auto ? local ? WarmTransport.UnixSocket : WarmTransport.Attach : options.Transport;
        if (transport == WarmTransport.UnixSocket && !local)
        {
            throw new InvalidCommandException("warm transport",
                $"the unix-socket transport binds a host directory into its containers, so it needs a local engine (unix://), not {docker.Endpoint.Uri}; use WarmTransport.Attach (or Auto).");
        }

        var poolId = Guid.NewGuid().ToString("N")[..12];
        var factory = new LocalWarmContainers(docker.LocalBackend, template, options with { Transport = transport }, poolId);
        return new WarmPool(template, options, factory, docker.Time);
    }
}

/// <summary>Warm options on a <see cref="ContainerCommand"/>.</summary>
public static class WarmCommandExtensions
{
    /// <summary>Runs the command as a call in one of the pool's warm containers.</summary>
    [Pure]
    public static ContainerCommand OnWarmPool(this ContainerCommand command, WarmPool pool)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.WithBackend(pool);
    }
}
