namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>Parses the <c>env | sort</c> + <c>BODY:</c> output of the test image's /env path.</summary>
internal sealed record Env(IReadOnlyDictionary<string, string> Variables, string Body)
{
    public static Env Parse(string text)
    {
        var marker = text.IndexOf("BODY:", StringComparison.Ordinal);
        Assert.True(marker >= 0, $"no BODY: marker in the function's output:\n{text}");
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text[..marker].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=');
            if (eq > 0)
            {
                vars[line[..eq]] = line[(eq + 1)..];
            }
        }

        return new Env(vars, text[(marker + 5)..]);
    }

    public string this[string name] => Variables.TryGetValue(name, out var v) ? v : throw new Xunit.Sdk.XunitException($"{name} is not set; variables: {string.Join(", ", Variables.Keys)}");
}
