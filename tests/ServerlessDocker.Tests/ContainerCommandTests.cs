namespace ServerlessDocker.Tests;

public sealed class ContainerCommandTests
{
    [Fact(Timeout = 10000)]
    public void WithX_AnyOption_ReturnsACopyAndLeavesTheOriginalUnchanged()
    {
        var original = TestCommands.Create("img", "a");

        var changed = original.WithArguments("b").WithEnvironment("K", "V").WithLabel("l", "v").WithTimeout(TimeSpan.FromSeconds(3))
            .WithNetworkMode("none").WithRemoveAfterRun(false).WithPullPolicy(PullPolicy.Never).WithOutputLimit(10);

        Assert.NotSame(original, changed);
        Assert.Equal(["a"], original.Arguments);
        Assert.Empty(original.Environment);
        Assert.Empty(original.Labels);
        Assert.Null(original.Timeout);
        Assert.Null(original.NetworkMode);
        Assert.True(original.RemoveAfterRun);
        Assert.Equal(PullPolicy.Missing, original.PullPolicy);
        Assert.Equal(64L * 1024 * 1024, original.OutputLimitBytes);
        Assert.Equal(["b"], changed.Arguments);
        Assert.Equal("V", changed.Environment["K"]);
        Assert.Equal(TimeSpan.FromSeconds(3), changed.Timeout);
        Assert.False(changed.RemoveAfterRun);
        Assert.Equal(10, changed.OutputLimitBytes);
    }

    [Fact(Timeout = 10000)]
    public void WithEnvironment_SharedPreset_DoesNotLeakBetweenCopies()
    {
        var preset = TestCommands.Create().WithEnvironment("A", "1");

        var one = preset.WithEnvironment("B", "2");
        var two = preset.WithEnvironment("C", "3");

        Assert.Equal(["A"], preset.Environment.Keys);
        Assert.Equal(["A", "B"], one.Environment.Keys.Order());
        Assert.Equal(["A", "C"], two.Environment.Keys.Order());
    }

    [Fact(Timeout = 10000)]
    public void PipeOperators_SourceCommandTarget_SetThePipes()
    {
        var source = PipeSource.FromString("in");
        var target = PipeTarget.ToStream(Stream.Null);
        var upstream = TestCommands.Create("a");

        var piped = source | TestCommands.Create("b") | target;
        var chained = upstream | TestCommands.Create("c");

        Assert.Same(source, piped.StandardInputPipe);
        Assert.Same(target, piped.StandardOutputPipe);
        Assert.False(chained.StandardInputPipe.IsNull);
    }

    [Theory(Timeout = 10000)]
    [InlineData("memory")]
    [InlineData("cpus")]
    [InlineData("pids")]
    [InlineData("timeout")]
    [InlineData("environment")]
    [InlineData("mount")]
    [InlineData("output limit")]
    public void WithX_InvalidValue_ThrowsNamingTheSetting(string setting)
    {
        var command = TestCommands.Create();
        Action act = setting switch
        {
            "memory" => () => command.WithMemoryLimit(1024),
            "cpus" => () => command.WithCpus(0),
            "pids" => () => command.WithPidsLimit(0),
            "timeout" => () => command.WithTimeout(TimeSpan.Zero),
            "environment" => () => command.WithEnvironment("A=B", "x"),
            "mount" => () => command.WithMount(ContainerMount.Bind("/host", "relative")),
            _ => () => command.WithOutputLimit(0),
        };

        var ex = Assert.Throws<InvalidCommandException>(act);

        Assert.Equal(setting, ex.Setting);
    }

    [Theory(Timeout = 10000)]
    [InlineData("")]
    [InlineData("  ")]
    public void Command_NoImage_ThrowsNamingTheImage(string image)
    {
        Assert.Equal("image", Assert.Throws<InvalidCommandException>(() => TestCommands.Create(image)).Setting);
    }

    [Fact(Timeout = 10000)]
    public void ToString_ImageAndArguments_ReadsLikeACommandLine()
    {
        Assert.Equal("leftpad foo 5", TestCommands.Create("leftpad", "foo", "5").ToString());
        Assert.Equal("leftpad", TestCommands.Create("leftpad").ToString());
    }
}
