using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace ServerlessDocker.Bench.Core;

/// <summary>The three ways to run the same function once, cold (a new container each time).</summary>
internal sealed class Variants(DockerFunctions docker, BenchOptions options, string benchLabel)
{
    public const string LabelName = "io.sdock.bench";

    // Docker.DotNet on the same endpoint, with no library in between.
    private readonly DockerClient _client = new DockerClientBuilder().WithEndpoint(docker.Endpoint.Uri).Build();

    /// <summary>Per-phase times of the direct variant (create, attach, start, read, wait, remove), for diagnosis.</summary>
    public Dictionary<string, Samples> DirectPhases { get; } = new[] { "create", "attach", "start", "read", "wait", "remove" }
        .ToDictionary(p => p, p => new Samples(p));

    /// <summary>The library: create → attach → start → drain → wait → remove, through <see cref="ContainerCommandExecution.ExecuteBufferedAsync"/>
    /// (what <see cref="DockerFunctions.RunAsync"/> does, plus network none and a label).</summary>
    public async Task<string> RunAsyncAsync(CancellationToken ct)
    {
        var result = await docker.Command(options.Image, options.Arguments)
            .WithNetworkMode("none")
            .WithLabel(LabelName, benchLabel)
            .ExecuteBufferedAsync(ct);
        return result.StandardOutput;
    }

    /// <summary>The same engine calls made directly with Docker.DotNet, on the same endpoint, no library in between.</summary>
    public async Task<string> DirectAsync(bool recordPhases, CancellationToken ct)
    {
        var client = _client;
        var watch = Stopwatch.StartNew();
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = options.Image,
            Cmd = options.Arguments.ToList(),
            AttachStdout = true,
            AttachStderr = true,
            Labels = new Dictionary<string, string> { [LabelName] = benchLabel },
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, ct);
        Phase("create");
        try
        {
            using var stream = await client.Containers.AttachContainerAsync(created.ID,
                new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, ct);
            Phase("attach");
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
            Phase("start");
            var (stdout, _) = await stream.ReadOutputToEndAsync(ct);
            Phase("read");
            await client.Containers.WaitContainerAsync(created.ID, ct);
            Phase("wait");
            return stdout;
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
            Phase("remove");
        }

        void Phase(string name)
        {
            if (recordPhases)
            {
                DirectPhases[name].Add(watch.Elapsed.TotalMilliseconds);
            }

            watch.Restart();
        }
    }

    /// <summary>`docker run --rm` through the docker CLI.</summary>
    public async Task<string> DockerCliAsync(CancellationToken ct)
    {
        var info = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["run", "--rm", "--network", "none", "--label", $"{LabelName}={benchLabel}", options.Image, .. options.Arguments])
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"docker run failed ({process.ExitCode}): {await stderr}");
    }

    /// <summary>Removes anything this benchmark run left (after a crash in the middle of an iteration).</summary>
    public async Task<int> CleanUpAsync()
    {
        var left = await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{LabelName}={benchLabel}"] = true },
            },
        });
        foreach (var c in left)
        {
            try
            {
                await _client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true });
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }

        return left.Count;
    }
}
