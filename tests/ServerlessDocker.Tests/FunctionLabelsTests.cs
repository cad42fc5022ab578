namespace ServerlessDocker.Tests;

public sealed class FunctionLabelsTests
{
    [Fact(Timeout = 10000)]
    public void IsOwnerGone_ThisProcess_IsFalse()
    {
        Assert.False(FunctionLabels.IsOwnerGone(FunctionLabels.CurrentOwner));
    }

    [Fact(Timeout = 10000)]
    public void IsOwnerGone_ExitedProcessOnThisMachine_IsTrue()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();

        Assert.True(FunctionLabels.IsOwnerGone($"{Environment.MachineName}:{process.Id}"));
    }

    [Fact(Timeout = 10000)]
    public void IsOwnerGone_OtherMachine_IsFalseBecauseItCannotBeChecked()
    {
        Assert.False(FunctionLabels.IsOwnerGone("some-other-host-" + Guid.NewGuid().ToString("N") + ":1"));
    }

    [Theory(Timeout = 10000)]
    [InlineData(null)]
    [InlineData("no-pid")]
    [InlineData("host:notanumber")]
    public void IsOwnerGone_MissingOrMalformed_IsTrue(string? owner)
    {
        Assert.True(FunctionLabels.IsOwnerGone(owner));
    }
}
