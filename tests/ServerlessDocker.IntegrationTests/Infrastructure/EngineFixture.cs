using ServerlessDocker.IntegrationTests.Infrastructure;

[assembly: AssemblyFixture(typeof(EngineFixture))]

namespace ServerlessDocker.IntegrationTests.Infrastructure;

/// <summary>
/// The real engine at DOCKER_HOST, shared by every test class (which run in parallel, one class per collection).
/// Fails with a clear message when the engine does not answer or the test images are missing, and at the end of
/// the run asserts that no container of this run is left behind.
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    /// <summary>A label on every container this test run creates, so parallel users of the engine never interfere.</summary>
    public const string RunLabelName = "io.sdock.test.run";

    /// <summary>A label that tells one test's containers apart from another's.</summary>
    public const string CaseLabelName = "io.sdock.test.case";

    public static readonly string[] RequiredImages = ["busybox", "leftpad"];

    public EngineFixture()
    {
        Docker = DockerFunctions.FromEnvironment();
    }

    public DockerFunctions Docker { get; }

    public string RunId { get; } = Guid.NewGuid().ToString("N");

    public string RunLabel => $"{RunLabelName}={RunId}";

    /// <summary>A command labelled with this run's and the given case's labels, on network none.</summary>
    public ContainerCommand Command(TestCase testCase, string image, params string[] arguments) =>
        Docker.Command(image, arguments)
            .WithLabel(RunLabelName, RunId)
            .WithLabel(CaseLabelName, testCase.Id)
            .WithNetworkMode("none");

    /// <summary>The labels for <c>sdock run -l ...</c> and <c>docker create --label ...</c>.</summary>
    public string[] CliLabelArguments(TestCase testCase, string option = "-l") =>
        [option, RunLabel, option, testCase.Label];

    public async ValueTask InitializeAsync()
    {
        var endpoint = Docker.Endpoint.Uri;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await Docker.PingAsync(cts.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"The integration tests need a real Docker engine, and the one at {endpoint} (DOCKER_HOST={Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "<unset>"}) " +
                $"does not answer: {ex.Message}. Start it with `scripts/engine up` and `export DOCKER_HOST=unix:///run/sdock-engine/docker.sock`, or run `scripts/test`.", ex);
        }

        foreach (var image in RequiredImages)
        {
            var r = await DockerCli.RunAsync(cts.Token, "image", "inspect", "--format", "{{.Id}}", image);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"The test image '{image}' is not on the engine at {endpoint}: build the images with `bash scripts/images` (scripts/test does it). docker said: {r.StandardError.Trim()}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // Everything this run labelled, plus anything this very process owns (runs made without test labels).
            var left = (await DockerCli.ContainerIdsAsync(RunLabel, cts.Token))
                .Concat(await DockerCli.ContainerIdsAsync($"{FunctionLabels.Owner}={FunctionLabels.CurrentOwner}", cts.Token))
                .Distinct()
                .ToArray();
            if (left.Length > 0)
            {
                await DockerCli.RemoveAsync(left, cts.Token);
                throw new InvalidOperationException(
                    $"Leak: {left.Length} container(s) of this test run were still on the engine after the suite (now removed): {string.Join(", ", left)}");
            }
        }
        finally
        {
            await Docker.DisposeAsync();
        }
    }
}

/// <summary>One test's identity on the engine: its own label value, for oracle queries.</summary>
public sealed class TestCase
{
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public string Label => $"{EngineFixture.CaseLabelName}={Id}";

    /// <summary>Asserts (through the docker CLI) that none of this test's containers exists any more.</summary>
    public async Task AssertNoContainersLeftAsync(CancellationToken cancellationToken)
    {
        var left = await DockerCli.ContainerIdsAsync(Label, cancellationToken);
        if (left.Count > 0)
        {
            await DockerCli.RemoveAsync(left, CancellationToken.None);
        }

        Assert.True(left.Count == 0, $"containers left behind by this test: {string.Join(", ", left)}");
    }
}
