using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker.Swarm;

/// <summary>
/// Follows the single task of a run's service by polling the manager until it exits, and turns every way it can
/// end without an exit code into a typed error: rejected, pending past the start timeout, node lost. Never hangs:
/// each of those is detected from the manager's own view (task state, node state), and the caller's token or
/// timeout bounds the rest.
/// </summary>
internal sealed class SwarmTaskWatcher(DockerClient client, Uri endpoint, TimeProvider time, SwarmOptions options)
{
    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan NodeCheckInterval = TimeSpan.FromMilliseconds(500);
    private readonly Dictionary<string, (string Hostname, string State)> _nodes = [];
    private DateTimeOffset _nodesCheckedAt = DateTimeOffset.MinValue;

    /// <summary>Waits for the task to exit; returns it with its node's hostname.</summary>
    public async Task<(TaskResponse Task, string NodeHostname)> WaitForExitAsync(
        string image, string serviceId, DateTimeOffset createdAt, Action<string>? onTask, CancellationToken cancellationToken)
    {
        var delay = FirstPollInterval;
        string? reported = null;
        while (true)
        {
            var tasks = await EngineErrors.CallAsync(endpoint, "list the service's tasks", () =>
                client.Tasks.ListAsync(new TasksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } },
                }, cancellationToken)).ConfigureAwait(false);
            // One replica and restart "none": there is one task; the newest wins should Swarm ever make another.
            var task = tasks.OrderByDescending(t => t.CreatedAt ?? DateTime.MinValue).FirstOrDefault();
            var elapsed = time.GetUtcNow() - createdAt;
            if (task is null)
            {
                if (elapsed > options.StartTimeout)
                {
                    throw new SwarmTaskPendingException(image, serviceId, null, null, "not scheduled", "Swarm created no task", options.StartTimeout);
                }
            }
            else
            {
                if (reported is null)
                {
                    reported = task.ID;
                    onTask?.Invoke(task.ID);
                }

                (string Hostname, string State)? node = string.IsNullOrEmpty(task.NodeID) ? null : await NodeAsync(task.NodeID, cancellationToken).ConfigureAwait(false);
                var state = task.Status?.State ?? TaskState.New;
                var reason = Reason(task);
                switch (state)
                {
                    case TaskState.Complete:
                        return (task, node?.Hostname ?? "");
                    case TaskState.Failed when task.Status?.ContainerStatus is { ContainerID.Length: > 0, ExitCode: not 0 }:
                        return (task, node?.Hostname ?? "");
                    case TaskState.Failed or TaskState.Rejected:
                        throw new SwarmTaskRejectedException(image, serviceId, task.ID, node?.Hostname, Name(state), reason);
                    case TaskState.Orphaned:
                        throw new SwarmNodeLostException(image, serviceId, task.ID, task.NodeID ?? "", node?.Hostname, node?.State ?? "unknown");
                    case TaskState.Shutdown or TaskState.Remove:
                        if (node is { } n && IsLost(n.State))
                        {
                            throw new SwarmNodeLostException(image, serviceId, task.ID, task.NodeID ?? "", n.Hostname, n.State);
                        }

                        throw new SwarmTaskRejectedException(image, serviceId, task.ID, node?.Hostname, Name(state),
                            reason.Length > 0 ? reason : "the task was shut down before it exited (was the service removed or scaled down?)");
                }

                if (node is { } lost && IsLost(lost.State))
                {
                    throw new SwarmNodeLostException(image, serviceId, task.ID, task.NodeID ?? "", lost.Hostname, lost.State);
                }

                if (state < TaskState.Running && elapsed > options.StartTimeout)
                {
                    throw new SwarmTaskPendingException(image, serviceId, task.ID, node?.Hostname, Name(state), reason, options.StartTimeout);
                }
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 3 / 2, options.MaxPollInterval.Ticks));
        }
    }

    /// <summary>The node's hostname and state, from a node list refreshed at most twice a second.</summary>
    public async Task<(string Hostname, string State)> NodeAsync(string nodeId, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - _nodesCheckedAt > NodeCheckInterval || !_nodes.ContainsKey(nodeId))
        {
            var nodes = await EngineErrors.CallAsync(endpoint, "list the swarm's nodes", () =>
                client.Swarm.ListNodesAsync(cancellationToken)).ConfigureAwait(false);
            _nodes.Clear();
            foreach (var n in nodes)
            {
                _nodes[n.ID] = (n.Description?.Hostname ?? n.ID, n.Status?.State ?? "unknown");
            }

            _nodesCheckedAt = time.GetUtcNow();
        }

        return _nodes.TryGetValue(nodeId, out var node) ? node : (nodeId, "unknown");
    }

    private static bool IsLost(string nodeState) => nodeState is "down" or "disconnected";

    private static string Reason(TaskResponse task)
    {
        var err = task.Status?.Err;
        var message = task.Status?.Message;
        return !string.IsNullOrEmpty(err) ? err : message ?? "";
    }

    private static string Name(TaskState state) => state.ToString().ToLowerInvariant();
}
