namespace ServerlessDocker.Gateway.Configuration;

/// <summary>
/// The durations (<c>10s</c>, <c>1m30s</c>, <c>500ms</c>) and sizes (<c>128m</c>, <c>1MiB</c>) of functions.yaml: the
/// core's one grammar (<see cref="global::ServerlessDocker.Quantities"/>), kept here so the loader's call sites stay put.
/// </summary>
internal static class Quantities
{
    /// <summary>Parses a duration; a bare number means seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value) =>
        global::ServerlessDocker.Quantities.TryParseDuration(text, out value);

    /// <summary>Parses a duration, with why it is invalid (naming the value and the accepted forms).</summary>
    public static bool TryParseDuration(string text, out TimeSpan value, out string? problem) =>
        global::ServerlessDocker.Quantities.TryParseDuration(text, out value, out problem);

    /// <summary>Parses a size in bytes; suffixes are binary (k = 1024), like Docker's memory flags.</summary>
    public static bool TryParseSize(string text, out long value) =>
        global::ServerlessDocker.Quantities.TryParseSize(text, out value);

    /// <summary>Parses a size in bytes, with why it is invalid (naming the value and the accepted forms).</summary>
    public static bool TryParseSize(string text, out long value, out string? problem) =>
        global::ServerlessDocker.Quantities.TryParseSize(text, out value, out problem);
}
