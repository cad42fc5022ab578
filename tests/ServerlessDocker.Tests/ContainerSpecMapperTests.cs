namespace ServerlessDocker.Tests;

public sealed class ContainerSpecMapperTests
{
    private static ContainerCreationContext Context(ContainerCommand command) => new(command, "run-1");

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_DefaultCommand_MapsImageArgumentsAndOwnLabels()
    {
        var command = TestCommands.Create("leftpad", "foo", "5");

        var p = ContainerSpecMapper.ToCreateParameters(command, Context(command), attachStdin: false, detached: false);

        Assert.Equal("leftpad", p.Image);
        Assert.Equal(["foo", "5"], p.Cmd);
        Assert.Null(p.Entrypoint);
        Assert.Equal("true", p.Labels[FunctionLabels.Function]);
        Assert.Equal(FunctionLabels.CurrentOwner, p.Labels[FunctionLabels.Owner]);
        Assert.Equal("run-1", p.Labels[FunctionLabels.Run]);
        Assert.Equal("leftpad", p.Labels[FunctionLabels.Image]);
        Assert.False(p.Labels.ContainsKey(FunctionLabels.Detached));
        Assert.True(p.AttachStdout);
        Assert.True(p.AttachStderr);
        Assert.False(p.AttachStdin);
        Assert.False(p.OpenStdin);
        Assert.False(p.Tty);
        // Removal is the client's job after reading the exit code; AutoRemove would race with it.
        Assert.False(p.HostConfig!.AutoRemove);
        Assert.Equal(0, p.HostConfig!.Memory);
        Assert.Equal(0, p.HostConfig!.NanoCPUs);
        Assert.Null(p.HostConfig!.PidsLimit);
        Assert.Null(p.HostConfig!.Mounts);
    }

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_NoArguments_LeavesCmdToTheImage()
    {
        var command = TestCommands.Create("busybox");

        var p = ContainerSpecMapper.ToCreateParameters(command, Context(command), false, false);

        Assert.Null(p.Cmd);
    }

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_AllOptions_MapToTheEngineFields()
    {
        var command = TestCommands.Create("img", "a")
            .WithEntrypoint("/bin/sh", "-c")
            .WithEnvironment("A", "1")
            .WithEnvironment(new Dictionary<string, string> { ["B"] = "x=y" })
            .WithWorkingDirectory("/work")
            .WithUser("1000:1000")
            .WithMemoryLimit(64L * 1024 * 1024)
            .WithCpus(0.5)
            .WithPidsLimit(100)
            .WithNetworkMode("none")
            .WithReadOnlyRootFilesystem()
            .WithMount(ContainerMount.Bind("/srv/data", "/data", readOnly: true))
            .WithMount(ContainerMount.Volume("vol", "/v"))
            .WithMount(ContainerMount.Tmpfs("/tmp"));

        var p = ContainerSpecMapper.ToCreateParameters(command, Context(command), false, false);

        Assert.Equal(["/bin/sh", "-c"], p.Entrypoint);
        Assert.Equal(["A=1", "B=x=y"], p.Env.Order());
        Assert.Equal("/work", p.WorkingDir);
        Assert.Equal("1000:1000", p.User);
        Assert.Equal(64L * 1024 * 1024, p.HostConfig!.Memory);
        // Swap equal to memory: no extra swap on top of the limit.
        Assert.Equal(64L * 1024 * 1024, p.HostConfig!.MemorySwap);
        Assert.Equal(500_000_000, p.HostConfig!.NanoCPUs);
        Assert.Equal(100, p.HostConfig!.PidsLimit);
        Assert.Equal("none", p.HostConfig!.NetworkMode);
        Assert.True(p.HostConfig!.ReadonlyRootfs);
        Assert.Collection(p.HostConfig!.Mounts!,
            m => { Assert.Equal(("bind", "/srv/data", "/data", true), (m.Type, m.Source, m.Target, m.ReadOnly)); },
            m => { Assert.Equal(("volume", "vol", "/v", false), (m.Type, m.Source, m.Target, m.ReadOnly)); },
            m => { Assert.Equal(("tmpfs", null, "/tmp"), (m.Type, (string?)m.Source, m.Target)); });
    }

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_EmptyEntrypoint_IsSentAsEmptyStringToClearTheImages()
    {
        var command = TestCommands.Create("img").WithEntrypoint("");

        var p = ContainerSpecMapper.ToCreateParameters(command, Context(command), false, false);

        Assert.Equal([""], p.Entrypoint);
    }

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_CallerSetsLibraryLabels_LibraryLabelsWin()
    {
        var command = TestCommands.Create("img")
            .WithLabel(FunctionLabels.Owner, "someone-else:1")
            .WithLabel(FunctionLabels.Function, "false")
            .WithLabel("io.sdock.test", "kept");

        var p = ContainerSpecMapper.ToCreateParameters(command, Context(command), false, false);

        Assert.Equal(FunctionLabels.CurrentOwner, p.Labels[FunctionLabels.Owner]);
        Assert.Equal("true", p.Labels[FunctionLabels.Function]);
        Assert.Equal("kept", p.Labels["io.sdock.test"]);
    }

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_HookContextAdditions_AreMergedOverTheCommand()
    {
        var command = TestCommands.Create("img").WithEnvironment("A", "command").WithLabel("l", "command");
        var context = Context(command);
        context.Environment["A"] = "hook";
        context.Environment["H"] = "1";
        context.Labels["l"] = "hook";
        context.Mounts.Add(ContainerMount.Tmpfs("/hook"));

        var p = ContainerSpecMapper.ToCreateParameters(command, context, false, false);

        Assert.Equal(["A=hook", "H=1"], p.Env.Order());
        Assert.Equal("hook", p.Labels["l"]);
        Assert.Equal("/hook", Assert.Single(p.HostConfig!.Mounts!).Target);
    }

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_WithStdin_OpensStdinOnceSoHalfCloseIsEof()
    {
        var command = TestCommands.Create("img");

        var p = ContainerSpecMapper.ToCreateParameters(command, Context(command), attachStdin: true, detached: false);

        Assert.True(p.AttachStdin);
        Assert.True(p.OpenStdin);
        Assert.True(p.StdinOnce);
    }

    [Fact(Timeout = 10000)]
    public void ToCreateParameters_Detached_MarksTheRunAndAttachesNothing()
    {
        var command = TestCommands.Create("img");

        var p = ContainerSpecMapper.ToCreateParameters(command, Context(command), attachStdin: false, detached: true);

        Assert.Equal("true", p.Labels[FunctionLabels.Detached]);
        Assert.False(p.AttachStdout);
        Assert.False(p.AttachStderr);
        Assert.False(p.AttachStdin);
    }

    [Theory(Timeout = 10000)]
    [InlineData("busybox", "busybox", "latest")]
    [InlineData("busybox:1.36", "busybox", "1.36")]
    [InlineData("registry:5000/leftpad", "registry:5000/leftpad", "latest")]
    [InlineData("registry:5000/team/leftpad:1.0", "registry:5000/team/leftpad", "1.0")]
    [InlineData("leftpad@sha256:abc", "leftpad", "sha256:abc")]
    public void SplitImage_Reference_SplitsNameAndTag(string image, string name, string tag)
    {
        Assert.Equal((name, tag), ContainerSpecMapper.SplitImage(image));
    }
}
