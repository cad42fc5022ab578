using ServerlessDocker.Proxy.Authorization;

namespace ServerlessDocker.Proxy.Tests;

public sealed class ImageReferenceTests
{
    [Theory(Timeout = 10000)]
    [InlineData("busybox", "busybox")]
    [InlineData("busybox:1.37", "busybox")]
    [InlineData("docker.io/library/busybox:latest", "busybox")]
    [InlineData("registry:5000/team/app:1@sha256:abc", "registry:5000/team/app")]
    [InlineData("sdock-test/app", "sdock-test/app")]
    public void Repository_Reference_FamiliarName(string reference, string repository)
    {
        Assert.Equal(repository, ImageReference.Repository(reference));
    }

    [Theory(Timeout = 10000)]
    [InlineData("busybox", true)]
    [InlineData("sdock-test/app:1", true)]
    [InlineData("sdock-test/deep/app", false)]
    [InlineData("evil/busybox", false)]
    [InlineData("registry:5000/team/x", true)]
    [InlineData("sha256:0123", false)]
    public void IsAllowed_Patterns_MatchPerComponent(string reference, bool allowed)
    {
        Assert.Equal(allowed, ImageReference.IsAllowed(reference, ["busybox", "sdock-test/*", "registry:5000/**"]));
    }
}
