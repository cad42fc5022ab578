using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Http;

namespace ServerlessDocker.Gateway.Tests;

public sealed class FunctionRouterTests
{
    private static FunctionRouter Router(params FunctionDefinition[] coded)
    {
        var config = GatewayConfigLoader.Parse("functions:\n  leftpad:\n    image: leftpad\n    route: /leftpad\n  other:\n    image: other\n");
        var options = new ContainerFunctionsOptions();
        foreach (var f in coded)
        {
            options.Functions.Add(f);
        }

        return new FunctionRouter(new StaticGatewayConfigSource(config), options);
    }

    [Theory(Timeout = 10000)]
    [InlineData("/function/leftpad", "leftpad", "/function/leftpad", "")]
    [InlineData("/function/leftpad/a/b", "leftpad", "/function/leftpad", "/a/b")]
    [InlineData("/leftpad", "leftpad", "/leftpad", "")]
    [InlineData("/leftpad/x", "leftpad", "/leftpad", "/x")]
    [InlineData("/function/other/", "other", "/function/other", "/")]
    public void Resolve_KnownPath_FunctionAndCgiSplit(string path, string function, string scriptName, string pathInfo)
    {
        var match = Router().Resolve(path);

        Assert.NotNull(match);
        Assert.Equal(function, match.Function.Name);
        Assert.Equal(scriptName, match.ScriptName);
        Assert.Equal(pathInfo, match.PathInfo);
    }

    [Theory(Timeout = 10000)]
    [InlineData("/leftpadding")]
    [InlineData("/function/nope")]
    [InlineData("/other")]
    [InlineData("/")]
    public void Resolve_UnknownPath_Null(string path) => Assert.Null(Router().Resolve(path));

    [Fact(Timeout = 10000)]
    public void Find_NameOnlyInCode_CodedFunctionOrImageFallback()
    {
        var router = Router(new FunctionDefinition { Name = "coded", Image = "img" });

        Assert.Equal("img", router.Find("coded", allowImageFallback: false)!.Image);
        Assert.Null(router.Find("busybox", allowImageFallback: false));
        Assert.Equal("busybox", router.Find("busybox", allowImageFallback: true)!.Image);
    }

    [Fact(Timeout = 10000)]
    public void Resolve_MappedPrefix_ReachableForLocalRedirects()
    {
        var router = Router();
        router.AddMappedPrefix("/tools/pad", "leftpad");

        var match = router.Resolve("/tools/pad/x");

        Assert.Equal("leftpad", match!.Function.Name);
        Assert.Equal("/tools/pad", match.ScriptName);
        Assert.Equal("/x", match.PathInfo);
    }
}
