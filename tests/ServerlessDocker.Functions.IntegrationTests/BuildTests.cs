using System.Text.Json;

namespace ServerlessDocker.Functions.IntegrationTests;

/// <summary>`sdock build` end to end: what the image holds, and the refusal of a function that is not AOT-clean.</summary>
public sealed class BuildTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60000)]
    public async Task The_build_reports_each_stage_and_prints_the_image_id_last()
    {
        var build = engine.HelloBuild;
        var stages = build.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(stages, l => l.StartsWith("publish: HelloCgi.csproj → hello-cgi-cs, static NativeAOT", StringComparison.Ordinal));
        Assert.Contains(stages, l => l.StartsWith("context: FROM scratch, /hello-cgi-cs as entrypoint", StringComparison.Ordinal));
        Assert.Contains(stages, l => l.StartsWith($"image: {EngineFixture.HelloImage} sha256:", StringComparison.Ordinal));
        var id = build.StandardOutput.Trim();
        Assert.Matches("^sha256:[0-9a-f]{64}$", id);
        var (_, inspected) = await DockerCli.RunAsync(Ct, "image", "inspect", "--format", "{{.Id}}", EngineFixture.HelloImage);
        Assert.Equal(id, inspected.Trim());
    }

    [Fact(Timeout = 60000)]
    public async Task The_image_is_one_small_scratch_layer_with_the_executable_as_entrypoint_and_build_labels()
    {
        var (code, json) = await DockerCli.RunAsync(Ct, "image", "inspect", EngineFixture.HelloImage);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        var image = doc.RootElement[0];
        Assert.True(image.GetProperty("Size").GetInt64() < 8 * 1024 * 1024, $"image size {image.GetProperty("Size").GetInt64()} bytes");
        Assert.Equal(1, image.GetProperty("RootFS").GetProperty("Layers").GetArrayLength());
        var config = image.GetProperty("Config");
        Assert.Equal(["/hello-cgi-cs"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        var labels = config.GetProperty("Labels");
        Assert.Equal("dotnet-nativeaot-static", labels.GetProperty("io.sdock.build.runtime").GetString());
        Assert.Equal("HelloCgi", labels.GetProperty("io.sdock.build.project").GetString());
        Assert.Equal("false", labels.GetProperty("io.sdock.build.tzdata").GetString());
        // Image labels reach every container; the function-container marker must not be one of them.
        Assert.False(labels.TryGetProperty(FunctionLabels.Function, out _));
    }

    [Fact(Timeout = 600000)]
    public async Task A_function_that_is_not_aot_clean_is_refused_naming_the_warnings_and_no_image_is_made()
    {
        const string Tag = "sdock-test/not-aot-clean";
        await DockerCli.RunAsync(Ct, "image", "rm", "-f", Tag);

        var build = await EngineFixture.SdockAsync(Ct, "build", Path.Combine("tests", "functions", "not-aot-clean"), "-t", Tag);

        Assert.True(build.ExitCode == 125, build.ToString());
        Assert.Contains("NotAotClean.csproj is not NativeAOT/trimming-clean, so no image was built", build.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"IL(2026|3050)", build.StandardError);
        Assert.DoesNotContain("   at ", build.StandardError, StringComparison.Ordinal);
        Assert.Empty(build.StandardOutput);
        Assert.NotEqual(0, (await DockerCli.RunAsync(Ct, "image", "inspect", Tag)).ExitCode);
    }

    [Fact(Timeout = 120000)]
    public async Task A_directory_without_a_project_is_one_clear_line_and_exit_125()
    {
        var build = await EngineFixture.SdockAsync(Ct, "build", "docs", "-t", "sdock-test/never");
        Assert.True(build.ExitCode == 125, build.ToString());
        Assert.Equal("sdock: 'docs' holds no .csproj: pass the function's project directory.\n", build.StandardError);
    }
}
