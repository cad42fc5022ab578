using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using ServerlessDocker.Warm;

namespace ServerlessDocker.Bench.Warm;

/// <summary>Five ways to run <c>busybox echo hello</c> once.</summary>
internal sealed class Variants(DockerFunctions docker, WarmPool pool, WarmPool attachPool, string benchLabel, string hostBusybox) : IAsyncDisposable
{
    public const string LabelName = "io.sdock.bench";
    public const string Image = "busybox";
    public static readonly string[] Arguments = ["echo", "hello"];

    private readonly DockerClient _client = new DockerClientBuilder().WithEndpoint(docker.Endpoint.Uri).Build();
    private string? _execContainer;

    public ContainerCommand Command => docker.Command(Image, Arguments).WithNetworkMode("none").WithLabel(LabelName, benchLabel);

    /// <summary>A new container per call: create → attach → start → drain → wait → remove.</summary>
    public async Task<string> ColdAsync(CancellationToken ct) => (await Command.ExecuteBufferedAsync(ct)).StandardOutput;

    /// <summary>A call in the warm pool: one fresh process in an already running container.</summary>
    public async Task<string> WarmAsync(CancellationToken ct) => (await Command.OnWarmPool(pool).ExecuteBufferedAsync(ct)).StandardOutput;

    /// <summary>The same over the attach transport (what a remote engine gets).</summary>
    public async Task<string> WarmAttachAsync(CancellationToken ct) => (await Command.OnWarmPool(attachPool).ExecuteBufferedAsync(ct)).StandardOutput;

    /// <summary>The engine's exec API into a running container (what <c>docker exec</c> does, without the CLI's own start).</summary>
    public async Task<string> ExecAsync(CancellationToken ct)
    {
        _execContainer ??= await StartExecContainerAsync(ct);
        var exec = await _client.Exec.CreateContainerExecAsync(_execContainer, new ContainerExecCreateParameters
        {
            Cmd = Arguments, AttachStdout = true, AttachStderr = true,
        }, ct);
        using var stream = await _client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), ct);
        var (stdout, _) = await stream.ReadOutputToEndAsync(ct);
        var inspect = await _client.Exec.InspectContainerExecAsync(exec.ID, ct);
        return inspect.ExitCode == 0 ? stdout : $"exit {inspect.ExitCode}";
    }

    /// <summary>The floor: the same busybox binary forked and executed on the host, stdout read to the end.</summary>
    public async Task<string> HostAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo(hostBusybox) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in Arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return stdout;
    }

    public async ValueTask DisposeAsync()
    {
        if (_execContainer is not null)
        {
            await _client.Containers.RemoveContainerAsync(_execContainer, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }

        _client.Dispose();
    }

    private async Task<string> StartExecContainerAsync(CancellationToken ct)
    {
        var created = await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = Image,
            Cmd = ["sleep", "86400"],
            Labels = new Dictionary<string, string> { [LabelName] = benchLabel, [FunctionLabels.Function] = "true", [FunctionLabels.Owner] = FunctionLabels.CurrentOwner },
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, ct);
        await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        return created.ID;
    }
}
