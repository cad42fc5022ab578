namespace ServerlessDocker.Testing;

/// <summary>
/// The real engine at DOCKER_HOST, shared by every test class of a suite (register it with
/// <c>[assembly: AssemblyFixture(typeof(EngineFixture))]</c>, or a subclass that needs more images).
/// Fails loudly, never skips, when the engine does not answer or a required image is missing; at the end of the run
/// fails the run when a labelled container, volume or network of this run is still on the engine, naming each one.
/// </summary>
public class EngineFixture : IAsyncLifetime
{
    /// <summary>A label on every container this test run creates, so parallel users of the engine never interfere.</summary>
    public const string RunLabelName = "io.sdock.test.run";

    /// <summary>A label that tells one test's containers apart from another's.</summary>
    public const string CaseLabelName = "io.sdock.test.case";

    private DockerFunctions? _docker;

    /// <summary>The library's client for the engine under test (available once the fixture is initialised).</summary>
    public DockerFunctions Docker => _docker ?? throw new InvalidOperationException("the engine fixture is not initialised");

    /// <summary>This test run's id, the value of <see cref="RunLabelName"/>.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The run label as NAME=VALUE.</summary>
    public string RunLabel => $"{RunLabelName}={RunId}";

    /// <summary>The owner label the library puts on everything this process creates.</summary>
    public static string OwnedLabel => $"{FunctionLabels.Owner}={FunctionLabels.CurrentOwner}";

    /// <summary>Images the suite needs on the engine; the run fails at the start when one is missing.</summary>
    protected virtual IReadOnlyList<string> RequiredImages => [];

    /// <summary>The suite's name in the leak report.</summary>
    protected virtual string SuiteName => GetType().Assembly.GetName().Name ?? "the test run";

    /// <summary>A command labelled with this run's and the given case's labels, on network none.</summary>
    public ContainerCommand Command(TestCase testCase, string image, params string[] arguments) =>
        Docker.Command(image, arguments)
            .WithLabel(RunLabelName, RunId)
            .WithLabel(CaseLabelName, testCase.Id)
            .WithNetworkMode("none");

    /// <summary>The labels for <c>sdock run -l ...</c> and <c>docker create --label ...</c>.</summary>
    public string[] CliLabelArguments(TestCase testCase, string option = "-l") =>
        [option, RunLabel, option, testCase.Label];

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "<unset>";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        _docker = DockerFunctions.FromEnvironment();
        try
        {
            await Docker.PingAsync(cts.Token);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"The integration tests need a real Docker engine, and the one at {Docker.Endpoint.Uri} (DOCKER_HOST={host}) " +
                $"does not answer: {ex.Message.TrimEnd('.')}. In this repository: `scripts/engine up` and `export DOCKER_HOST=unix:///run/sdock-engine/docker.sock`, or run `scripts/test`.", ex);
        }

        await PrepareImagesAsync(TestContext.Current.CancellationToken);
        using var imagesCts = new CancellationTokenSource(TimeSpan.FromSeconds(15));  // the preparation may take minutes
        foreach (var image in RequiredImages)
        {
            var r = await DockerCli.RunAsync(imagesCts.Token, "image", "inspect", "--format", "{{.Id}}", image);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"The test image '{image}' is not on the engine at {Docker.Endpoint.Uri}: build the images with `bash scripts/images` (scripts/test does it). docker said: {r.StandardError.Trim()}");
            }
        }
    }

    /// <summary>Builds images the suite can make itself, before <see cref="RequiredImages"/> are checked.</summary>
    protected virtual Task PrepareImagesAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Everything of this run still on the engine: what it labelled and what this process owns.</summary>
    public async Task<IReadOnlyList<EngineResource>> LeftoversAsync(CancellationToken cancellationToken) =>
        [.. (await DockerCli.ResourcesAsync(RunLabel, cancellationToken))
            .Concat(await DockerCli.ResourcesAsync(OwnedLabel, cancellationToken))
            .DistinctBy(r => (r.Kind, r.Id))];

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var left = await LeftoversAsync(cts.Token);
            await DockerCli.RemoveAsync(left, cts.Token);
            if (LeakReport.Describe(SuiteName, left) is { } leak)
            {
                throw new InvalidOperationException(leak);
            }
        }
        finally
        {
            if (_docker is not null)
            {
                await _docker.DisposeAsync();
            }

            GC.SuppressFinalize(this);
        }
    }
}
