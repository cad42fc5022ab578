using ServerlessDocker.Proxy.Authorization;

namespace ServerlessDocker.Proxy.Tests;

/// <summary>Commit changes: only whitelisted Dockerfile instructions, whatever whitespace or line tricks surround them.</summary>
public sealed class CommitChangeTests
{
    [Theory]
    [InlineData("LABEL io.sdock.proxy.scope=victim")]
    [InlineData("LABEL\tio.sdock.proxy.scope=victim")]
    [InlineData("LABEL\vio.sdock.proxy.scope=victim")]
    [InlineData("LABEL\fio.sdock.proxy.scope=victim")]
    [InlineData("LABEL\rio.sdock.proxy.scope=victim")]
    [InlineData("label io.sdock.proxy.scope=victim")]
    [InlineData("  \tLaBeL io.sdock.proxy.scope=victim")]
    [InlineData("CMD true\nLABEL io.sdock.proxy.scope=victim")]
    [InlineData("ENV a=b \\\nLABEL io.sdock.proxy.scope=victim")]
    [InlineData("# escape=`\nENV a=b\\\nLABEL io.sdock.proxy.scope=victim")]
    [InlineData("ONBUILD RUN id")]
    [InlineData("RUN id")]
    [InlineData("FROM busybox")]
    [InlineData("[\"LABEL io.sdock.proxy.scope=victim\"]")]
    [InlineData("{\"LABEL\":\"io.sdock.proxy.scope=victim\"}")]
    [InlineData("LABEL\u00a0io.sdock.proxy.scope=victim")]
    [InlineData("\u00a0LABEL io.sdock.proxy.scope=victim")]
    public void Change_NotWhitelisted_403(string change) =>
        Assert.Equal(403, Assert.Throws<RequestRejectedException>(() => RequestAuthorizer.CheckCommitChange(change)).StatusCode);

    [Theory]
    [InlineData("CMD [\"echo\", \"hi\"]")]
    [InlineData("ENV A=1")]
    [InlineData("env\tA=1")]
    [InlineData("EXPOSE 80\nWORKDIR /app\n\nUSER 1000")]
    [InlineData("ENTRYPOINT [\"/bin/sh\"]\r\n")]
    [InlineData("STOPSIGNAL SIGTERM")]
    [InlineData("")]
    public void Change_Whitelisted_Accepted(string change) => RequestAuthorizer.CheckCommitChange(change);
}
