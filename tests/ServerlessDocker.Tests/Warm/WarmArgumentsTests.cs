using ServerlessDocker.Warm;

namespace ServerlessDocker.Tests.Warm;

/// <summary>The engine's merge of a create request with the image, as docker run shows it.</summary>
public sealed class WarmArgumentsTests
{
    [Fact]
    public void NoEntrypointNoArguments_ImageEntrypointThenImageCmd() =>
        Assert.Equal(["/bin/echo", "hello"], WarmArguments.Combine(["/bin/echo"], ["hello"], null, []));

    [Fact]
    public void Arguments_ReplaceTheImageCmd() =>
        Assert.Equal(["/bin/echo", "a", "b"], WarmArguments.Combine(["/bin/echo"], ["hello"], null, ["a", "b"]));

    [Fact]
    public void CommandEntrypoint_DiscardsTheImageCmd() =>
        Assert.Equal(["pwd"], WarmArguments.Combine(["/bin/echo"], ["hello"], ["pwd"], []));

    [Fact]
    public void CommandEntrypoint_WithArguments() =>
        Assert.Equal(["sh", "-c", "x"], WarmArguments.Combine(["/bin/echo"], ["hello"], ["sh"], ["-c", "x"]));

    [Fact]
    public void EmptyCommandEntrypoint_ClearsTheImageEntrypoint_KeepsItsCmd() =>
        Assert.Equal(["hello"], WarmArguments.Combine(["/bin/echo"], ["hello"], [], []));

    [Fact]
    public void ImageWithoutEntrypoint_RunsCmdOrArguments()
    {
        Assert.Equal(["sh"], WarmArguments.Combine(null, ["sh"], null, []));
        Assert.Equal(["echo", "x"], WarmArguments.Combine(null, ["sh"], null, ["echo", "x"]));
        Assert.Empty(WarmArguments.Combine(null, null, null, []));
    }

    [Fact]
    public void Environment_CommandFirst_ThenTheImagesItDoesNotSet() =>
        Assert.Equal(["NEW=1", "GREETING=mine", "PATH=/bin", "OTHER=x"],
            WarmArguments.MergeEnvironment(["NEW=1", "GREETING=mine"], ["PATH=/bin", "GREETING=hello", "OTHER=x"]));

    [Fact]
    public void Environment_NoCommandVariables_IsTheImages() =>
        Assert.Equal(["PATH=/bin", "A=1"], WarmArguments.MergeEnvironment([], ["PATH=/bin", "A=1"]));
}
