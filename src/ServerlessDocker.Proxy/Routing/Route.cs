namespace ServerlessDocker.Proxy.Routing;

/// <summary>What kind of body a route takes.</summary>
internal enum RouteBody
{
    /// <summary>None: any body the client sends is read and dropped (the engine would ignore it, or worse, honour it on old API versions).</summary>
    None,

    /// <summary>A JSON object, read whole (capped), inspected and re-serialised.</summary>
    Json,

    /// <summary>A tar stream (build context, archive upload), streamed through with the proxy's own framing.</summary>
    Stream,
}

/// <summary>A matched engine route.</summary>
/// <param name="Name">A stable route name for audit and decisions, for example <c>container.start</c>.</param>
/// <param name="Reference">The object reference from the path (container, exec, image, network or volume), if any.</param>
/// <param name="Body">How the body is handled.</param>
/// <param name="Hijack">True for attach and exec start: after the answer the connection becomes a raw stream.</param>
internal sealed record Route(string Name, string? Reference, RouteBody Body, bool Hijack = false);
