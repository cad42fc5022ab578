using Docker.DotNet.Models;
using ServerlessDocker.Internal;

namespace ServerlessDocker;

/// <summary>Image builds: a function's image from a tar context, through the Engine API (no docker CLI, no registry).</summary>
public sealed partial class DockerFunctions
{
    /// <summary>
    /// Builds an image from <paramref name="tarContext"/> (a tar stream holding a Dockerfile at its root), tags it
    /// <paramref name="tag"/> and labels it. Intermediate containers are always removed. The engine's output lines
    /// go to <paramref name="progress"/>; a failed step throws <see cref="ImageBuildException"/> with its reason.
    /// </summary>
    public async Task<ImageBuildResult> BuildImageAsync(
        Stream tarContext,
        string tag,
        IReadOnlyDictionary<string, string>? labels = null,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tarContext);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var parameters = new ImageBuildParameters
        {
            Tags = [tag],
            Labels = labels?.ToDictionary(l => l.Key, l => l.Value) ?? [],
            Remove = true,
            ForceRemove = true,
        };

        string? error = null;
        var messages = new BuildOutput(message =>
        {
            if (message.Error?.Message is { Length: > 0 } failure)
            {
                error ??= failure.Trim();
            }
            else if (message.Stream is { Length: > 0 } line && line.Trim() is { Length: > 0 } text)
            {
                progress?.Report(text);
            }
        });

        await EngineErrors.CallAsync(Endpoint.Uri, $"build image {tag}", () =>
            _client.Images.BuildImageFromDockerfileAsync(parameters, tarContext, [], new Dictionary<string, string>(), messages, cancellationToken)).ConfigureAwait(false);
        if (error is not null)
        {
            throw new ImageBuildException($"The engine could not build {tag}: {error}");
        }

        var image = await EngineErrors.CallAsync(Endpoint.Uri, $"inspect image {tag}", () =>
            _client.Images.InspectImageAsync(tag, cancellationToken)).ConfigureAwait(false);
        return new ImageBuildResult(image.ID, tag, image.Size);
    }

    // Synchronous, unlike Progress<T>: the error must be seen before the call returns.
    private sealed class BuildOutput(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
