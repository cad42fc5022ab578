using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Warm;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>
/// The warm pool of each function with <c>warm:</c>, created on its first call from the function's definition. A
/// reload that changes the definition gets a new pool; the old one is removed once its calls are done (or after a
/// minute). Disposing removes every pooled container: the gateway stopping leaves none.
/// </summary>
internal sealed class WarmPools(DockerFunctions docker, TimeProvider time, ILogger<WarmPools> logger) : IAsyncDisposable
{
    private static readonly TimeSpan RetireGrace = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (FunctionDefinition Definition, WarmPool Pool)> _pools = new(StringComparer.Ordinal);
    private readonly List<Task> _retiring = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>The pool serving <paramref name="fn"/>'s calls.</summary>
    public WarmPool Get(FunctionDefinition fn)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pools.TryGetValue(fn.Name, out var current) && current.Definition == fn)
            {
                return current.Pool;
            }

            if (current.Pool is not null)
            {
                _retiring.Add(RetireAsync(current.Pool));
            }

            var pool = docker.WarmPool(Template(fn), fn.Warm);
            _pools[fn.Name] = (fn, pool);
            logger.LogInformation("Warm pool for {Function}: min {Min}, max {Max}", fn.Name, fn.Warm!.Min, fn.Warm.Max);
            return pool;
        }
    }

    /// <summary>
    /// What every container of the pool is created with; each call's command sets the same (see
    /// <see cref="Functions.FunctionCommandFactory"/>), which the pool checks.
    /// </summary>
    internal ContainerCommand Template(FunctionDefinition fn) =>
        docker.Command(fn.Image)
            .WithLabel(GatewayLabels.Function, fn.Name)
            .WithMemoryLimit(fn.MemoryBytes)
            .WithCpus(fn.Cpus)
            .WithPidsLimit(fn.PidsLimit)
            .WithNetworkMode(fn.NetworkMode)
            .WithReadOnlyRootFilesystem(fn.ReadOnlyRootFilesystem);

    private async Task RetireAsync(WarmPool pool)
    {
        // Calls still running on the old definition finish on it; then its containers go.
        var deadline = time.GetUtcNow() + RetireGrace;
        while (pool.IdleCount < pool.ContainerCount && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time).ConfigureAwait(false);
        }

        await pool.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<WarmPool> pools;
        List<Task> retiring;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pools = [.. _pools.Values.Select(p => p.Pool)];
            retiring = [.. _retiring];
            _pools.Clear();
        }

        foreach (var pool in pools)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(retiring).ConfigureAwait(false);
    }
}
