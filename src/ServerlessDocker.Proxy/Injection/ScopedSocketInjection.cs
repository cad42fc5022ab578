using System.Text.Json.Nodes;
using ServerlessDocker.Proxy.Json;

namespace ServerlessDocker.Proxy.Injection;

/// <summary>
/// How a container is given a scope's socket: bind-mounted at <see cref="SocketTarget"/> with <c>DOCKER_HOST</c> pointing
/// at it and a label naming the scope. One definition for the run hook (a command about to be created) and for nested
/// scopes (a create request's JSON the proxy rewrites).
/// </summary>
internal static class ScopedSocketInjection
{
    /// <summary>Where the scope's socket appears inside the container.</summary>
    public const string SocketTarget = "/var/run/docker.sock";

    /// <summary>The <c>DOCKER_HOST</c> value inside the container.</summary>
    public const string DockerHost = "unix://" + SocketTarget;

    /// <summary>Adds the mount, the variable and the label to a command being created.</summary>
    public static void Apply(ContainerCreationContext context, ProxyScope scope, string label)
    {
        context.Mounts.Add(ContainerMount.Bind(scope.SocketPath, SocketTarget));
        context.Environment["DOCKER_HOST"] = DockerHost;
        context.Labels[label] = scope.Path;
    }

    /// <summary>Adds the bind, the variable and the label to a container-create request body.</summary>
    public static void Apply(JsonObject hostConfig, JsonObject body, JsonObject labels, ProxyScope scope, string label)
    {
        var binds = StrictJson.Get(hostConfig, "Binds") as JsonArray ?? [];
        binds.Add($"{scope.SocketPath}:{SocketTarget}");
        StrictJson.Set(hostConfig, "Binds", binds.DeepClone());
        var env = StrictJson.Get(body, "Env") as JsonArray ?? [];
        env.Add($"DOCKER_HOST={DockerHost}");
        StrictJson.Set(body, "Env", env.DeepClone());
        labels[label] = scope.Path;
    }
}
