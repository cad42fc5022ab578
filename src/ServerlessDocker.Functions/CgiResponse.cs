using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ServerlessDocker.Functions.Parsing;

namespace ServerlessDocker.Functions;

/// <summary>
/// The response of a CGI function: status, headers, cookies and a body, buffered and written to stdout as a CGI
/// response (<c>Status:</c> line, headers, blank line, body) when the handler returns. Buffering lets a handler
/// change the status until the end (an exception still becomes a clean 500).
/// </summary>
public sealed class CgiResponse
{
    /// <summary>The Content-Type used when the handler sets none.</summary>
    public const string DefaultContentType = "text/plain; charset=utf-8";

    private readonly ArrayBufferWriter<byte> _body = new();
    private int _statusCode = 200;

    /// <summary>The HTTP status, 200-599 (the range the gateway accepts). Default 200.</summary>
    public int StatusCode
    {
        get => _statusCode;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 200);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 599);
            _statusCode = value;
        }
    }

    /// <summary>The response headers (Set-Cookie lines included).</summary>
    public ResponseHeaders Headers { get; } = new();

    /// <summary>The Content-Type header; <see cref="DefaultContentType"/> when none was set.</summary>
    public string ContentType
    {
        get => Headers["Content-Type"] ?? DefaultContentType;
        set => Headers.Set("Content-Type", value);
    }

    /// <summary>The body written so far.</summary>
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>Adds a Set-Cookie line. The value must be cookie-octets (no space, quote, comma, ';' or '\'): encode it first.</summary>
    public CgiResponse SetCookie(string name, string value, CookieOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!HttpSyntax.IsToken(name))
        {
            throw new ArgumentException($"'{name}' is not a valid cookie name (a token: letters, digits and !#$%&'*+-.^_`|~).", nameof(name));
        }

        if (!HttpSyntax.IsCookieValue(value))
        {
            throw new ArgumentException($"The value of cookie '{name}' holds a space, quote, comma, ';', '\\' or a non-ASCII character: encode it first (e.g. Uri.EscapeDataString).", nameof(value));
        }

        options ??= CookieOptions.Default;
        var line = new StringBuilder(name.Length + value.Length + 48).Append(name).Append('=').Append(value);
        if (options.Path is { } path)
        {
            line.Append("; Path=").Append(path);
        }

        if (options.Domain is { } domain)
        {
            line.Append("; Domain=").Append(domain);
        }

        if (options.MaxAge is { } maxAge)
        {
            var seconds = Math.Max(0, (long)maxAge.TotalSeconds);
            line.Append("; Max-Age=").Append(seconds.ToString(CultureInfo.InvariantCulture));
        }

        if (options.Secure)
        {
            line.Append("; Secure");
        }

        if (options.HttpOnly)
        {
            line.Append("; HttpOnly");
        }

        if (options.SameSite != SameSiteMode.Unspecified)
        {
            line.Append("; SameSite=").Append(options.SameSite switch
            {
                SameSiteMode.Strict => "Strict",
                SameSiteMode.None => "None",
                _ => "Lax",
            });
        }

        Headers.Append("Set-Cookie", line.ToString());
        return this;
    }

    /// <summary>Tells the browser to drop cookie <paramref name="name"/> (same path as when it was set).</summary>
    public CgiResponse DeleteCookie(string name, string? path = "/") =>
        SetCookie(name, string.Empty, CookieOptions.Default.WithPath(path).WithMaxAge(TimeSpan.Zero));

    /// <summary>Appends <paramref name="text"/> to the body as UTF-8.</summary>
    public CgiResponse Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Encoding.UTF8.GetBytes(text.AsSpan(), _body);
        return this;
    }

    /// <summary>Appends bytes to the body.</summary>
    public CgiResponse Write(ReadOnlySpan<byte> bytes)
    {
        _body.Write(bytes);
        return this;
    }

    /// <summary>Appends <paramref name="text"/> to the body as UTF-8.</summary>
    public Task WriteAsync(string text, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(text);
        return Task.CompletedTask;
    }

    /// <summary>Appends bytes to the body.</summary>
    public Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(bytes.Span);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as the JSON body through a source-generated <paramref name="typeInfo"/>
    /// and sets Content-Type application/json unless one was set.
    /// </summary>
    public CgiResponse WriteJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (!Headers.Contains("Content-Type"))
        {
            ContentType = "application/json; charset=utf-8";
        }

        using var writer = new Utf8JsonWriter(_body);
        JsonSerializer.Serialize(writer, value, typeInfo);
        return this;
    }

    /// <summary>Drops the body written so far (headers stay).</summary>
    public CgiResponse ClearBody()
    {
        _body.Clear();
        return this;
    }

    /// <summary>
    /// Redirects the client to <paramref name="url"/> (default 303 See Other: after a POST the browser GETs it).
    /// The explicit status makes the gateway pass it to the client rather than follow a local path itself.
    /// </summary>
    public CgiResponse Redirect(string url, int statusCode = 303)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (statusCode is not (301 or 302 or 303 or 307 or 308))
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A redirect status is 301, 302, 303, 307 or 308.");
        }

        StatusCode = statusCode;
        Headers.Set("Location", url);
        return this;
    }

    /// <summary>Writes the CGI response: <c>Status:</c>, the headers, a blank line, the body.</summary>
    public async Task WriteCgiAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var head = FormatHead();
        await output.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(_body.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal byte[] FormatHead()
    {
        var head = new StringBuilder(128 + (Headers.Count * 48));
        head.Append("Status: ").Append(_statusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrases.For(_statusCode)).Append("\r\n");
        if (!Headers.Contains("Content-Type"))
        {
            head.Append("Content-Type: ").Append(DefaultContentType).Append("\r\n");
        }

        foreach (var (name, value) in Headers)
        {
            // The body is buffered, so its length is known; a stale handler-set length would only mislead.
            if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(_body.WrittenCount.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        return Encoding.Latin1.GetBytes(head.ToString());
    }
}
