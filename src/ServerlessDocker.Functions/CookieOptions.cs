namespace ServerlessDocker.Functions;

/// <summary>The SameSite attribute of a cookie.</summary>
public enum SameSiteMode
{
    /// <summary>No attribute: the browser's default (Lax in current browsers).</summary>
    Unspecified,

    /// <summary>Sent on same-site requests and top-level navigations.</summary>
    Lax,

    /// <summary>Sent on same-site requests only.</summary>
    Strict,

    /// <summary>Sent on cross-site requests too; browsers require <see cref="CookieOptions.Secure"/>.</summary>
    None,
}

/// <summary>
/// The attributes of a Set-Cookie (RFC 6265). Immutable; the defaults are the safe ones: HttpOnly, SameSite=Lax,
/// Path=/, a session cookie (no Max-Age).
/// </summary>
public sealed record CookieOptions
{
    /// <summary>HttpOnly, SameSite=Lax, Path=/, session.</summary>
    public static CookieOptions Default { get; } = new();

    /// <summary>Hidden from scripts in the page (default true).</summary>
    public bool HttpOnly { get; init; } = true;

    /// <summary>Sent over HTTPS only (default false: the gateway often serves plain HTTP on localhost).</summary>
    public bool Secure { get; init; }

    /// <summary>Cross-site behaviour (default <see cref="SameSiteMode.Lax"/>).</summary>
    public SameSiteMode SameSite { get; init; } = SameSiteMode.Lax;

    /// <summary>The path the cookie applies to (default "/"; null leaves the attribute out).</summary>
    public string? Path { get; init; } = "/";

    /// <summary>The domain, or null for the host that set it (default).</summary>
    public string? Domain { get; init; }

    /// <summary>How long the cookie lives; null is a session cookie, zero or less deletes it.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>A copy with <see cref="MaxAge"/> set.</summary>
    public CookieOptions WithMaxAge(TimeSpan? maxAge) => this with { MaxAge = maxAge };

    /// <summary>A copy with <see cref="Path"/> set.</summary>
    public CookieOptions WithPath(string? path) => this with { Path = path };

    /// <summary>A copy with <see cref="Secure"/> set.</summary>
    public CookieOptions WithSecure(bool secure = true) => this with { Secure = secure };

    /// <summary>A copy with <see cref="HttpOnly"/> set.</summary>
    public CookieOptions WithHttpOnly(bool httpOnly = true) => this with { HttpOnly = httpOnly };

    /// <summary>A copy with <see cref="SameSite"/> set.</summary>
    public CookieOptions WithSameSite(SameSiteMode sameSite) => this with { SameSite = sameSite };

    /// <summary>A copy with <see cref="Domain"/> set.</summary>
    public CookieOptions WithDomain(string? domain) => this with { Domain = domain };
}
