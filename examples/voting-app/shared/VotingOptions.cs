namespace VotingApp;

/// <summary>The two options of the poll and the settings every function reads from its environment.</summary>
internal static class VotingOptions
{
    /// <summary>Label of option <c>a</c>.</summary>
    public const string LabelA = "Cats";

    /// <summary>Label of option <c>b</c>.</summary>
    public const string LabelB = "Dogs";

    /// <summary>The Npgsql connection string (the database's address is an IP: a static binary has no DNS).</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("VOTING_DB") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("VOTING_DB is not set: give the function the database's connection string.");

    /// <summary>True for the two option values, <c>a</c> and <c>b</c>.</summary>
    public static bool IsOption(string? value) => value is "a" or "b";

    /// <summary>The label shown for an option value.</summary>
    public static string Label(string option) => option == "a" ? LabelA : LabelB;
}
