namespace ServerlessDocker.Warm;

/// <summary>How a <see cref="WarmPool"/> sizes and recycles its containers.</summary>
public sealed record WarmPoolOptions
{
    /// <summary>Containers started ahead (<see cref="WarmPool.WarmUpAsync"/>) and kept however idle (default 1).</summary>
    public int Min { get; init; } = 1;

    /// <summary>The most containers at once; a call beyond them waits for one to be free (default 4).</summary>
    public int Max { get; init; } = 4;

    /// <summary>How long a container above <see cref="Min"/> may stay idle before it is removed (default 10 minutes;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for never).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Calls a container serves before it is replaced by a fresh one (default 1000).</summary>
    public int MaxCalls { get; init; } = 1000;

    /// <summary>
    /// The agent executable bound into each container (published by scripts/agent). Null: <c>SDOCK_WARM_AGENT</c>,
    /// else <c>sdock-agent</c> next to the application.
    /// </summary>
    public string? AgentPath { get; init; }

    /// <summary>How the host talks to the agents (default <see cref="WarmTransport.Auto"/>).</summary>
    public WarmTransport Transport { get; init; } = WarmTransport.Auto;

    /// <summary>How long a new container's agent may take to answer before the start fails (default 30 s).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="InvalidCommandException"/> naming the first option that makes no sense.</summary>
    public void Validate()
    {
        if (Max < 1)
        {
            throw new InvalidCommandException("warm max", $"{Max} containers cannot serve a call; use 1 or more, for example max: 4.");
        }

        if (Min < 0 || Min > Max)
        {
            throw new InvalidCommandException("warm min", $"{Min} is not between 0 and max ({Max}); for example min: 1.");
        }

        if (MaxCalls < 1)
        {
            throw new InvalidCommandException("warm maxCalls", $"{MaxCalls} calls per container is not a limit; use 1 or more, for example maxCalls: 1000.");
        }

        if (IdleTimeout <= TimeSpan.Zero && IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new InvalidCommandException("warm idleTimeout", $"{IdleTimeout} is not a duration; use a positive one such as 10m.");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw new InvalidCommandException("warm startTimeout", $"{StartTimeout} is not a duration; use a positive one such as 30s.");
        }
    }

    /// <summary>The agent to bind into containers, resolved as <see cref="AgentPath"/> says.</summary>
    internal string ResolveAgentPath()
    {
        var path = AgentPath ?? System.Environment.GetEnvironmentVariable("SDOCK_WARM_AGENT") ?? Path.Combine(AppContext.BaseDirectory, "sdock-agent");
        if (!File.Exists(path))
        {
            throw new InvalidCommandException("warm agent",
                $"there is no agent at '{path}'; publish it with scripts/agent (artifacts/warm-agent/sdock-agent) and set WarmPoolOptions.AgentPath or SDOCK_WARM_AGENT to it.");
        }

        return Path.GetFullPath(path);
    }
}
