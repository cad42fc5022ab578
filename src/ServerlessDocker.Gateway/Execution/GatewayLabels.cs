namespace ServerlessDocker.Gateway.Execution;

/// <summary>Labels the gateway puts on the containers it starts (besides the core's <c>io.sdock.*</c> labels).</summary>
internal static class GatewayLabels
{
    /// <summary>The function a container serves.</summary>
    public const string Function = "io.sdock.gateway.function";

    /// <summary>The call (X-Call-Id) a container serves.</summary>
    public const string Call = "io.sdock.gateway.call";
}
