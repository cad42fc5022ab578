using System.Runtime.CompilerServices;

namespace ServerlessDocker;

/// <summary>
/// A run in progress: awaitable for its result, and exposing the container id as soon as the container exists.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public sealed class ContainerTask<TResult>
{
    internal ContainerTask(Task<TResult> task, Task<string> containerId)
    {
        Task = task;
        ContainerId = containerId;
    }

    /// <summary>The underlying task.</summary>
    public Task<TResult> Task { get; }

    /// <summary>Completes with the container's id once it has been created (before the run ends);
    /// cancelled if the run fails before a container exists.</summary>
    public Task<string> ContainerId { get; }

    /// <summary>Lets <c>await</c> be used on the run.</summary>
    public TaskAwaiter<TResult> GetAwaiter() => Task.GetAwaiter();

    /// <summary>Configures how the continuation is scheduled.</summary>
    public ConfiguredTaskAwaitable<TResult> ConfigureAwait(bool continueOnCapturedContext) =>
        Task.ConfigureAwait(continueOnCapturedContext);

    /// <summary>Converts to the underlying task.</summary>
    public static implicit operator Task<TResult>(ContainerTask<TResult> containerTask) => containerTask.Task;
}
