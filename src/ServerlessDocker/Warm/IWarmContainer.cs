namespace ServerlessDocker.Warm;

/// <summary>One started container whose agent answered, as the pool keeps it.</summary>
internal interface IWarmContainer
{
    /// <summary>The container id.</summary>
    string Id { get; }

    /// <summary>False once its agent's hold connection has ended (the container died or was killed).</summary>
    bool IsAlive { get; }

    /// <summary>Opens a call connection to its agent.</summary>
    Task<Stream> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>The container's exit code once it has exited, or null when it still runs after <paramref name="timeout"/>.</summary>
    Task<long?> WaitForExitAsync(TimeSpan timeout);

    /// <summary>Removes the container and what was made for it. Never throws.</summary>
    ValueTask RemoveAsync();
}

/// <summary>Starts containers for a pool (the local engine in production, a fake in unit tests).</summary>
internal interface IWarmContainerFactory
{
    /// <summary>The image every container runs.</summary>
    string Image { get; }

    /// <summary>Creates and starts a container and waits until its agent answers.</summary>
    Task<IWarmContainer> StartAsync(CancellationToken cancellationToken);

    /// <summary>The image's ENTRYPOINT, CMD and ENV (inspected once).</summary>
    Task<WarmImageConfig> GetImageConfigAsync(CancellationToken cancellationToken);
}

/// <summary>What a call takes from the image.</summary>
internal sealed record WarmImageConfig(IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Cmd, IReadOnlyList<string> Environment);
