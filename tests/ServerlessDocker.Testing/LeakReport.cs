namespace ServerlessDocker.Testing;

/// <summary>The leak policy shared by every suite: anything labelled <c>io.sdock.*</c> that a test run leaves on the
/// engine fails the run, and the failure names every leaked object.</summary>
public static class LeakReport
{
    /// <summary>Null when nothing leaked; otherwise the failure message naming each leaked container, volume and network.</summary>
    public static string? Describe(string suite, IReadOnlyCollection<EngineResource> leaked)
    {
        if (leaked.Count == 0)
        {
            return null;
        }

        var counts = string.Join(", ", leaked.GroupBy(r => r.Kind).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}(s)"));
        return $"Leak: {suite} left {counts} on the engine (now removed; a test or the code under test did not clean up):\n  "
            + string.Join("\n  ", leaked.OrderBy(r => r.Kind).ThenBy(r => r.Id, StringComparer.Ordinal));
    }
}
