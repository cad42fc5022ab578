using System.Text;
using ServerlessDocker.Proxy.Json;

namespace ServerlessDocker.Proxy.Tests;

public sealed class BodyShapeTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory(Timeout = 10000)]
    [InlineData("""{"Image":"b","HostConfig":{"Memory":1e400}}""", "HostConfig.Memory")]
    [InlineData("""{"Image":"b","HostConfig":{"Memory":"12"}}""", "HostConfig.Memory")]
    [InlineData("""{"Image":"b","HostConfig":{"Memory":1.0}}""", "HostConfig.Memory")]
    [InlineData("""{"Image":"b","HostConfig":{"Memory":1e3}}""", "HostConfig.Memory")]
    [InlineData("""{"Image":"b","HostConfig":{"NanoCpus":1.5}}""", "HostConfig.NanoCpus")]
    [InlineData("""{"Image":"b","HostConfig":{"PidsLimit":9223372036854775808}}""", "HostConfig.PidsLimit")]
    [InlineData("""{"Image":"b","HostConfig":{"CpuShares":-99999999999999999999}}""", "HostConfig.CpuShares")]
    [InlineData("""{"Image":"b","HostConfig":{"BlkioWeight":65536}}""", "HostConfig.BlkioWeight")]
    [InlineData("""{"Image":"b","HostConfig":{"BlkioWeight":-1}}""", "HostConfig.BlkioWeight")]
    [InlineData("""{"Image":"b","HostConfig":{"IOMaximumIOps":-1}}""", "HostConfig.IOMaximumIOps")]
    [InlineData("""{"Image":"b","HostConfig":{"ShmSize":true}}""", "HostConfig.ShmSize")]
    [InlineData("""{"Image":"b","HostConfig":{"Privileged":1}}""", "HostConfig.Privileged")]
    [InlineData("""{"Image":"b","HostConfig":{"Privileged":"true"}}""", "HostConfig.Privileged")]
    [InlineData("""{"Image":"b","HostConfig":{"Binds":"/:/host"}}""", "HostConfig.Binds")]
    [InlineData("""{"Image":"b","HostConfig":{"Tmpfs":{"/t":7}}}""", "HostConfig.Tmpfs[/t]")]
    [InlineData("""{"Image":"b","HostConfig":{"Mounts":[{"Type":"tmpfs","Target":"/t","TmpfsOptions":{"SizeBytes":1e400}}]}}""", "HostConfig.Mounts[0].TmpfsOptions.SizeBytes")]
    [InlineData("""{"Image":"b","HostConfig":{"Mounts":{"Type":"tmpfs"}}}""", "HostConfig.Mounts")]
    [InlineData("""{"Image":"b","Labels":{"a":1}}""", "Labels[a]")]
    [InlineData("""{"Image":"b","Labels":["a"]}""", "Labels")]
    [InlineData("""{"Image":"b","ExposedPorts":{"80/tcp":1}}""", "ExposedPorts[80/tcp]")]
    [InlineData("""{"Image":"b","StopTimeout":1.5}""", "StopTimeout")]
    [InlineData("""{"Image":7}""", "Image")]
    [InlineData("""{"Image":"b","Cmd":[1]}""", "Cmd[0]")]
    [InlineData("""{"Image":"b","Healthcheck":{"Interval":"1s"}}""", "Healthcheck.Interval")]
    [InlineData("""{"Image":"b","HostConfig":{"Memory":{"$numberLong":"1"}}}""", "HostConfig.Memory")]
    public void ContainerCreate_MalformedValue_400NamingTheField(string json, string field)
    {
        var ex = Assert.Throws<RequestRejectedException>(() => StrictJson.ParseObject(Utf8(json), EngineBodyShapes.ContainerCreate));
        Assert.Equal(400, ex.StatusCode);
        Assert.StartsWith(field + " must be", ex.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"Image":"b","Privileged":true}""", "Privileged")]
    [InlineData("""{"Image":"b","HostConfig":{"Memroy":1}}""", "Memroy")]
    [InlineData("""{"Image":"b","HostConfig":{"Mounts":[{"Type":"volume","Target":"/t","Shadow":1}]}}""", "Shadow")]
    public void ContainerCreate_UnknownField_Refused(string json, string field)
    {
        var ex = Assert.Throws<RequestRejectedException>(() => StrictJson.ParseObject(Utf8(json), EngineBodyShapes.ContainerCreate));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"unknown field '{field}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"Image":"b","HostConfig":{"Memory":-0,"PidsLimit":null,"NanoCpus":0}}""")]
    [InlineData("""{"image":"b","cmd":"echo hi","hostconfig":{"memory":67108864,"capadd":"NET_RAW","BlkioWeight":65535}}""")]
    [InlineData("""{"Image":"b","Volumes":{},"ExposedPorts":{"80/tcp":{}},"HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},"ConsoleSize":[24,80]}}""")]
    [InlineData("""{"Image":"b","NetworkingConfig":{"EndpointsConfig":{"n":{"Aliases":["a"],"GwPriority":0}}}}""")]
    [InlineData("")]
    public void ContainerCreate_WellTypedBody_Accepted(string json)
    {
        StrictJson.ParseObject(Utf8(json), EngineBodyShapes.ContainerCreate);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"Name":"n","Internal":"yes"}""", "Internal")]
    [InlineData("""{"Name":"n","IPAM":{"Config":[{"Subnet":10}]}}""", "IPAM.Config[0].Subnet")]
    [InlineData("""{"Name":["n"]}""", "Name")]
    public void NetworkCreate_MalformedValue_400NamingTheField(string json, string field)
    {
        var ex = Assert.Throws<RequestRejectedException>(() => StrictJson.ParseObject(Utf8(json), EngineBodyShapes.NetworkCreate));
        Assert.StartsWith(field + " must be", ex.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"Cmd":["true"],"Privileged":0}""", "Privileged")]
    [InlineData("""{"Cmd":["true"],"ConsoleSize":[-1,80]}""", "ConsoleSize[0]")]
    public void ExecCreate_MalformedValue_400NamingTheField(string json, string field)
    {
        var ex = Assert.Throws<RequestRejectedException>(() => StrictJson.ParseObject(Utf8(json), EngineBodyShapes.ExecCreate));
        Assert.StartsWith(field + " must be", ex.Message, StringComparison.Ordinal);
    }
}
