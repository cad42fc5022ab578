using ServerlessDocker.Proxy.Authorization;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Tests;

public sealed class FilterRewriterTests
{
    private const string Owner = "io.sdock.proxy.scope.0=t";

    [Fact(Timeout = 10000)]
    public void AddLabel_NoFilters_OnlyOwnerLabel()
    {
        var query = FilterRewriter.AddLabel(RequestTargetParser.ParseQuery("all=1"), Owner);

        Assert.Equal("""{"label":{"io.sdock.proxy.scope.0=t":true}}""", query.Get("filters"));
        Assert.Equal("1", query.Get("all"));
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"label":["app=x"],"status":["running"]}""")]
    [InlineData("""{"label":{"app=x":true},"status":{"running":true}}""")]
    public void AddLabel_ClientFiltersInEitherForm_KeptAndAnded(string filters)
    {
        var query = FilterRewriter.AddLabel(RequestTargetParser.ParseQuery("filters=" + Uri.EscapeDataString(filters)), Owner);

        var parsed = FilterRewriter.Parse(query.Get("filters"));
        Assert.Equal(["app=x", Owner], parsed["label"].Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["running"], parsed["status"].Keys);
    }

    [Theory(Timeout = 10000)]
    [InlineData("filters=a&filters=b")]
    [InlineData("filters=%7B%22label%22%3A%5B1%5D%7D")]
    [InlineData("filters=%7B%22label%22%3A%5B%22a%22%5D%2C%22label%22%3A%5B%22b%22%5D%7D")]
    [InlineData("filters=%5B%5D")]
    public void AddLabel_DuplicateOrMalformedFilters_Rejected(string raw)
    {
        Assert.Throws<RequestRejectedException>(() => FilterRewriter.AddLabel(RequestTargetParser.ParseQuery(raw), Owner));
    }

    [Fact(Timeout = 10000)]
    public void AddLabel_ClientTriesOwnersLabelWithFalse_OwnerLabelStillForced()
    {
        var filters = Uri.EscapeDataString("""{"label":{"io.sdock.proxy.scope.0=t":false}}""");

        var query = FilterRewriter.AddLabel(RequestTargetParser.ParseQuery("filters=" + filters), Owner);

        Assert.True(FilterRewriter.Parse(query.Get("filters"))["label"][Owner]);
    }
}
