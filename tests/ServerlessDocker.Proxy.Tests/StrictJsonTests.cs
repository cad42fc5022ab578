using System.Text;
using ServerlessDocker.Proxy.Json;

namespace ServerlessDocker.Proxy.Tests;

public sealed class StrictJsonTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory(Timeout = 10000)]
    [InlineData("HostConfig", "hostconfig")]
    [InlineData("Privileged", "PRIVILEGED")]
    [InlineData("NetworkMode", "Networ\u212Amode")]
    [InlineData("Binds", "Bind\u017F")]
    public void Fold_GoEquivalentKeys_FoldToSameKey(string field, string variant)
    {
        Assert.True(GoKeyFolding.Matches(variant, field));
    }

    [Fact(Timeout = 10000)]
    public void Fold_DifferentKeys_DoNotMatch()
    {
        Assert.False(GoKeyFolding.Matches("Privileged2", "Privileged"));
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"HostConfig":{"Privileged":false},"hostconfig":{"Privileged":true}}""")]
    [InlineData("""{"HostConfig":{"Privileged":false,"privileged":true}}""")]
    [InlineData("""{"Image":"a","Image":"b"}""")]
    [InlineData("""{"Labels":{"a":"1","a":"2"}}""")]
    public void ParseObject_DuplicateOrFoldVariantKeys_Rejected(string json)
    {
        Assert.Throws<RequestRejectedException>(() => StrictJson.ParseObject(Utf8(json)));
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"Networ\u212AMode":"host"}""")]
    [InlineData("""{"HostConfig":{"Bind\u017F":["/:/host"]}}""")]
    public void ParseObject_NonAsciiStructKey_Rejected(string json)
    {
        Assert.Throws<RequestRejectedException>(() => StrictJson.ParseObject(Utf8(json)));
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"Image":"a"} {"Image":"b"}""")]
    [InlineData("""{"Image":"a"}x""")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"Image":"a",}""")]
    [InlineData("""{"Image":"a" /* c */}""")]
    public void ParseObject_TrailingDataOrNonObject_Rejected(string json)
    {
        Assert.Throws<RequestRejectedException>(() => StrictJson.ParseObject(Utf8(json)));
    }

    [Fact(Timeout = 10000)]
    public void ParseObject_MapFieldWithCaseVariantKeys_Accepted()
    {
        var body = StrictJson.ParseObject(Utf8("""{"Labels":{"app":"1","App":"2"}}"""));

        Assert.Equal(2, StrictJson.GetObject(body, "Labels")!.Count);
    }

    [Fact(Timeout = 10000)]
    public void Get_LowercaseAndEscapedKey_FindsFieldTheEngineBinds()
    {
        var body = StrictJson.ParseObject(Utf8("""{"hostconfig":{"\u0050rivileged":true}}"""));

        var hostConfig = StrictJson.GetObject(body, "HostConfig");

        Assert.NotNull(hostConfig);
        Assert.True(StrictJson.GetBool(hostConfig, "Privileged"));
    }

    [Fact(Timeout = 10000)]
    public void Set_CaseVariantKey_ReplacedByCanonicalSpelling()
    {
        var body = StrictJson.ParseObject(Utf8("""{"labels":{"x":"1"}}"""));

        StrictJson.Set(body, "Labels", new System.Text.Json.Nodes.JsonObject { ["y"] = "2" });

        Assert.Equal("""{"Labels":{"y":"2"}}""", body.ToJsonString());
    }

    [Fact(Timeout = 10000)]
    public void GetBool_WrongType_Rejected()
    {
        var body = StrictJson.ParseObject(Utf8("""{"Privileged":"true"}"""));

        Assert.Throws<RequestRejectedException>(() => StrictJson.GetBool(body, "Privileged"));
    }

    [Fact(Timeout = 10000)]
    public void ParseObject_EmptyBody_EmptyObject()
    {
        Assert.Empty(StrictJson.ParseObject([]));
    }
}
