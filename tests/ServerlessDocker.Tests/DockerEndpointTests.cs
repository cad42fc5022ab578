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

    [Theory(Timeout = 10000)]
    [InlineData("unix:///run/sdock-engine/docker.sock", "unix:///run/sdock-engine/docker.sock")]
    [InlineData("tcp://10.0.0.5", "http://10.0.0.5:2375")]
    [InlineData("tcp://10.0.0.5:4243", "http://10.0.0.5:4243")]
    [InlineData("http://engine:80", "http://engine:80")]
    [InlineData("tcp://[::1]:2375", "http://[::1]:2375")]
    [InlineData("  unix:///var/run/docker.sock  ", "unix:///var/run/docker.sock")]
    public void FromVariables_DockerHostWithoutTls_MapsTheAddress(string host, string expected)
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = host });

        Assert.Equal(new Uri(expected), endpoint.Uri);
        Assert.False(endpoint.UseTls);
        Assert.Null(endpoint.CertificatePath);
        Assert.Null(endpoint.ApiVersion);
    }

    [Theory(Timeout = 10000)]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("")]
    public void FromVariables_TlsVerifyOff_StaysPlain(string value)
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string>
        {
            ["DOCKER_HOST"] = "tcp://10.0.0.5", ["DOCKER_TLS_VERIFY"] = value,
        });

        Assert.Equal(new Uri("http://10.0.0.5:2375"), endpoint.Uri);
        Assert.False(endpoint.UseTls);
    }

    [Fact(Timeout = 10000)]
    public void FromVariables_HttpsWithoutVerify_UsesTlsWithoutVerifyingAndDefaultCertPath()
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = "https://engine" });

        Assert.Equal(new Uri("https://engine:2376"), endpoint.Uri);
        Assert.True(endpoint.UseTls);
        Assert.False(endpoint.VerifyTls);
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), endpoint.CertificatePath);
    }

    [Fact(Timeout = 10000)]
    public void FromVariables_BlankDockerHost_UsesDefaultSocket()
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_HOST"] = "   " });

        Assert.Equal(DockerEndpoint.DefaultUri, endpoint.Uri);
    }

    [Theory(Timeout = 10000)]
    [InlineData("1.41", 1, 41)]
    [InlineData("v1.44", 1, 44)]
    public void FromVariables_ApiVersion_IsForced(string value, int major, int minor)
    {
        var endpoint = DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_API_VERSION"] = value });

        Assert.Equal(new Version(major, minor), endpoint.ApiVersion);
    }

    [Theory(Timeout = 10000)]
    [InlineData("latest")]
    [InlineData("0.9")]
    public void FromVariables_BadApiVersion_NamesTheVariable(string value)
    {
        var ex = Assert.Throws<InvalidCommandException>(() =>
            DockerEndpoint.FromVariables(new Dictionary<string, string> { ["DOCKER_API_VERSION"] = value }));

        Assert.Equal("DOCKER_API_VERSION", ex.Setting);
    }

    [Fact(Timeout = 10000)]
    public void FromEnvironment_HostGiven_ReplacesDockerHost()
    {
        var endpoint = DockerEndpoint.FromEnvironment("tcp://manager:2375");

        Assert.Equal("manager", endpoint.Uri.Host);
        Assert.Equal(2375, endpoint.Uri.Port);
    }

    [Theory(Timeout = 10000)]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void FromEnvironment_NoHost_SameAsTheEnvironment(string? host)
    {
        Assert.Equal(DockerEndpoint.FromEnvironment(), DockerEndpoint.FromEnvironment(host));
    }

    [Fact(Timeout = 10000)]
    public void FromEnvironment_BadHost_ThrowsNamingTheValue()
    {
        var ex = Assert.Throws<InvalidCommandException>(() => DockerEndpoint.FromEnvironment("ftp://engine"));

        Assert.Contains("ftp://engine", ex.Message);
    }
}
