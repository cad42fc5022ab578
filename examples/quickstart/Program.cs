// The README's library examples, compiled with the solution and runnable against any engine:
//   DOCKER_HOST=unix:///run/sdock-engine/docker.sock dotnet run --project examples/quickstart
using ServerlessDocker;

await using var docker = DockerFunctions.FromEnvironment();

// A container as a function: stdout comes back as a string.
string padded = await docker.RunAsync("leftpad", ["foo", "5"]);
Console.Write($"leftpad: [{padded.TrimEnd('\n')}]\n");

// Everything about a run, without throwing on a non-zero exit.
var result = await docker.Command("busybox", ["sh", "-c", "echo out; echo err >&2; exit 3"])
    .WithValidation(ResultValidation.None)
    .ExecuteBufferedAsync();
Console.WriteLine($"exit {result.ExitCode}, stdout {result.StandardOutput.Trim()}, stderr {result.StandardError.Trim()}, {result.RunTime.TotalMilliseconds:0} ms");

// stdin from a string, and one container's stdout into another's stdin.
var lines = await (PipeSource.FromString("a\nb\nc\n") | docker.Command("busybox", ["wc", "-l"])).ExecuteBufferedAsync();
var sevens = await (docker.Command("busybox", ["seq", "1", "1000"]) | docker.Command("busybox", ["grep", "-c", "7"])).ExecuteBufferedAsync();
Console.WriteLine($"wc -l: {lines.StandardOutput.Trim()}, numbers with a 7 up to 1000: {sevens.StandardOutput.Trim()}");

// Events as they happen.
await foreach (var e in docker.Command("busybox", ["sh", "-c", "echo hi; echo oops >&2"]).ListenAsync())
{
    Console.WriteLine(e switch
    {
        StartedContainerEvent s => $"started {s.ContainerId[..12]}",
        StandardOutputContainerEvent o => $"out> {o.Text}",
        StandardErrorContainerEvent err => $"err> {err.Text}",
        ExitedContainerEvent x => $"exit {x.ExitCode}",
        _ => e.ToString(),
    });
}

// A background run: follow its logs, wait for it, and remove it by disposing the handle.
await using (var run = await docker.RunDetachedAsync("busybox", ["sh", "-c", "echo working; sleep 1"]))
{
    await foreach (var e in run.ReadLogsAsync(follow: true))
    {
        Console.WriteLine($"detached> {e}");
    }

    Console.WriteLine($"detached exit {(await run.WaitAsync()).ExitCode}");
}

// A timeout stops and removes the container.
try
{
    await docker.Command("busybox", ["sleep", "30"]).WithTimeout(TimeSpan.FromSeconds(1)).ExecuteAsync();
}
catch (ContainerTimeoutException ex)
{
    Console.WriteLine($"timeout: {ex.Message.Split(';')[0]}");
}
