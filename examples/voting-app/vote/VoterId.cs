namespace VotingApp;

/// <summary>The anonymous voter identity kept in the <c>voter_id</c> cookie: 32 lower-case hex digits.</summary>
internal static class VoterId
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "voter_id";

    /// <summary>A new random voter ID.</summary>
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>The cookie's value when it is a voter ID this app could have made (1-64 of [0-9a-z-]); otherwise null.</summary>
    public static string? FromCookie(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-') ? value : null;
}
