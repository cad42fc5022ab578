using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Tests;

public sealed class StrictYamlReaderTests
{
    private sealed record Pair(string? A, int B);

    private static readonly YamlKeyTable<Pair> Keys = new()
    {
        ["a"] = (p, v) => p with { A = v.Scalar() },
        ["b"] = (p, v) => p with { B = v.Int(1, 9) },
    };

    private static Pair Read(string yaml)
    {
        var reader = new StrictYamlReader("test.yaml");
        return reader.ReadMapping(reader.LoadRoot(yaml, "a mapping"), "the document", new Pair(null, 0), Keys);
    }

    [Fact(Timeout = 10000)]
    public void ReadMapping_KnownKeys_EachHandlerApplied() =>
        Assert.Equal(new Pair("x", 3), Read("a: x\nb: 3\n"));

    [Fact(Timeout = 10000)]
    public void ReadMapping_UnknownKey_ErrorNamesLineKeyAndAllowedKeys()
    {
        var ex = Assert.Throws<GatewayConfigException>(() => Read("a: x\nc: 1\n"));

        Assert.Equal(2, ex.Line);
        Assert.Equal(1, ex.Column);
        Assert.Equal("unknown key 'c'; expected one of: a, b", ex.Reason);
        Assert.Equal("test.yaml:2:1: unknown key 'c'; expected one of: a, b", ex.Message);
    }

    [Fact(Timeout = 10000)]
    public void ReadMapping_DuplicateKey_ErrorAtSecondOccurrence()
    {
        // YamlDotNet itself rejects duplicate keys while loading; either way the error names the second one's line.
        var ex = Assert.Throws<GatewayConfigException>(() => Read("a: x\nb: 1\na: y\n"));

        Assert.Equal(3, ex.Line);
    }

    [Theory(Timeout = 10000)]
    [InlineData("b: ten\n", 1, "'b' must be a whole number from 1 to 9, not 'ten'")]
    [InlineData("a: x\nb: 10\n", 2, "'b' must be a whole number from 1 to 9, not '10'")]
    [InlineData("a: [x]\n", 1, "'a' must be a single value")]
    [InlineData("- a\n", 1, "the document must be a mapping (key: value lines)")]
    public void ReadMapping_WrongType_ErrorNamesLineAndExpectation(string yaml, int line, string reason)
    {
        var ex = Assert.Throws<GatewayConfigException>(() => Read(yaml));

        Assert.Equal(line, ex.Line);
        Assert.Equal(reason, ex.Reason);
    }

    [Fact(Timeout = 10000)]
    public void LoadRoot_Empty_ErrorSaysWhatWasExpected()
    {
        var ex = Assert.Throws<GatewayConfigException>(() => new StrictYamlReader("t.yaml").LoadRoot("   \n", "a 'functions:' mapping"));

        Assert.Equal("t.yaml:1:1: the file is empty; expected a 'functions:' mapping", ex.Message);
    }

    [Fact(Timeout = 10000)]
    public void LoadRoot_SyntaxError_PositionKeptReasonNotRepeated()
    {
        var ex = Assert.Throws<GatewayConfigException>(() => new StrictYamlReader("t.yaml").LoadRoot("a: [x\n", "a mapping"));

        Assert.Equal(2, ex.Line);
        Assert.DoesNotContain("(Line:", ex.Reason, StringComparison.Ordinal);
        Assert.IsAssignableFrom<ServerlessDockerException>(ex);
    }

    [Fact(Timeout = 10000)]
    public void KeyTable_KeyDeclaredTwice_Refused()
    {
        var table = new YamlKeyTable<Pair> { ["a"] = (p, _) => p };

        Assert.Throws<ArgumentException>(() => table["a"] = (p, _) => p);
        Assert.Equal(["a"], table.Keys);
    }

    [Theory(Timeout = 10000)]
    [InlineData("x: 1.5\n", true)]
    [InlineData("x: 0\n", false)]
    [InlineData("x: Infinity\n", false)]
    [InlineData("x: -2\n", false)]
    public void PositiveDouble_Values_OnlyFinitePositiveAccepted(string yaml, bool accepted)
    {
        var reader = new StrictYamlReader("t.yaml");
        var node = reader.Mapping(reader.LoadRoot(yaml, "a mapping"), "doc").Children.Single().Value;

        var ex = Record.Exception(() => reader.PositiveDouble(node, "x"));

        Assert.Equal(accepted, ex is null);
    }
}
