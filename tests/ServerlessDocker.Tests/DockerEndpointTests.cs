namespace ServerlessDocker.Tests;

public sealed class DockerEndpointTests
{
    [Fact(Timeout = 10000)]
    public void FromVariables_NoDockerHost_UsesDefaultSocket()
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string>());

        Assert.Equal(new Uri("unix:///var/run/docker.sock"), endpoint.Uri);
        Assert.False(endpoint.UseTls);
    }

    [Fact(Timeout = 10000)]
    public void FromVariables_TcpWithTlsVerify_UsesHttpsAndCertPath()
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = "tcp://10.0.0.5",
            ["DOCKER_TLS_VERIFY"] = "1",
            ["DOCKER_CERT_PATH"] = "/certs",
            ["DOCKER_API_VERSION"] = "1.41",
        });

        Assert.Equal(new Uri("https://10.0.0.5:2376"), endpoint.Uri);
        Assert.True(endpoint.UseTls);
        Assert.True(endpoint.VerifyTls);
        Assert.Equal("/certs", endpoint.CertificatePath);
        Assert.Equal(new Version(1, 41), endpoint.ApiVersion);
    }

    [Theory(Timeout = 10000)]
    [InlineData("ftp://host")]
    [InlineData("unix://relative.sock")]
    [InlineData("ssh://user@host")]
    public void FromVariables_BadDockerHost_NamesTheVariable(string host)
    {
        var ex = Assert.Throws<InvalidCommandException>(() =>
            DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = host }));

        Assert.Equal("DOCKER_HOST", ex.Setting);
        Assert.Contains(host, ex.Message);
    }
}
