using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ServerlessDocker.Functions.Parsing;

namespace ServerlessDocker.Functions;

/// <summary>
/// One HTTP request as a CGI program receives it (RFC 3875): the method, paths, query and headers from the
/// environment, the body on stdin. Query, headers and cookies are parsed when first read.
/// </summary>
public sealed class CgiRequest
{
    /// <summary>The default body cap, the gateway's default <c>maxBody</c> (10 MiB).</summary>
    public const long DefaultMaxBodyBytes = 10 * 1024 * 1024;

    private ParameterCollection? _query;
    private IReadOnlyDictionary<string, string>? _headers;
    private IReadOnlyDictionary<string, string>? _cookies;
    private byte[]? _bufferedBody;
    private FormData? _form;

    private CgiRequest(IReadOnlyDictionary<string, string> environment, Stream body, long maxBodyBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBodyBytes);
        Environment = environment;
        Method = Variable("REQUEST_METHOD") is { Length: > 0 } method ? method : "GET";
        PathInfo = Variable("PATH_INFO") ?? string.Empty;
        ScriptName = Variable("SCRIPT_NAME") ?? string.Empty;
        QueryString = Variable("QUERY_STRING") ?? string.Empty;
        ContentType = Variable("CONTENT_TYPE") is { Length: > 0 } type ? type : null;
        ContentLength = ParseLength(Variable("CONTENT_LENGTH"));
        MaxBodyBytes = maxBodyBytes;
        Body = new RequestBodyStream(body, ContentLength, maxBodyBytes);
    }

    /// <summary>Reads the request of this process: its environment and stdin.</summary>
    public static CgiRequest FromEnvironment(long maxBodyBytes = DefaultMaxBodyBytes)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return new CgiRequest(environment, Console.OpenStandardInput(), maxBodyBytes);
    }

    /// <summary>A request from the given CGI variables and body (tests, or a host other than a process).</summary>
    public static CgiRequest FromEnvironment(IReadOnlyDictionary<string, string> environment, Stream body, long maxBodyBytes = DefaultMaxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(body);
        return new CgiRequest(environment, body, maxBodyBytes);
    }

    /// <summary>Every CGI variable as received.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary><c>REQUEST_METHOD</c>, e.g. GET or POST (GET when unset).</summary>
    public string Method { get; }

    /// <summary><c>PATH_INFO</c>: the path after the function's prefix, "" or starting with '/'.</summary>
    public string PathInfo { get; }

    /// <summary><c>SCRIPT_NAME</c>: the prefix that chose the function, e.g. <c>/vote</c>.</summary>
    public string ScriptName { get; }

    /// <summary><c>QUERY_STRING</c>: the raw query, without '?'.</summary>
    public string QueryString { get; }

    /// <summary>The parsed query (names case-sensitive, repeats kept).</summary>
    public ParameterCollection Query => _query ??= UrlEncoded.Parse(QueryString);

    /// <summary>The request headers (names case-insensitive), Content-Type and Content-Length included.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headers ??= CgiHeaders.FromEnvironment(Environment);

    /// <summary>The cookies of the Cookie header (names case-sensitive; the first of a repeated name).</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies ??= CookieHeader.Parse(Variable("HTTP_COOKIE"));

    /// <summary><c>CONTENT_TYPE</c>, or null when the request has none.</summary>
    public string? ContentType { get; }

    /// <summary><c>CONTENT_LENGTH</c>, or null when absent (then the body is read to EOF).</summary>
    public long? ContentLength { get; }

    /// <summary>The cap on the body; reading past it throws a <see cref="FunctionRequestException"/> (413).</summary>
    public long MaxBodyBytes { get; }

    /// <summary>
    /// The body, read once: Content-Length bytes, or to EOF without one, never more than <see cref="MaxBodyBytes"/>.
    /// Use either this stream or the Read* methods, which buffer it.
    /// </summary>
    public Stream Body { get; }

    /// <summary>Whether the method is <paramref name="method"/> (case-insensitive).</summary>
    public bool IsMethod(string method) => string.Equals(Method, method, StringComparison.OrdinalIgnoreCase);

    /// <summary>The whole body as bytes (read once, then kept).</summary>
    public async Task<ReadOnlyMemory<byte>> ReadBodyAsBytesAsync(CancellationToken cancellationToken = default)
    {
        if (_bufferedBody is null)
        {
            var capacity = ContentLength is { } length && length <= MaxBodyBytes ? (int)length : 0;
            using var buffer = new MemoryStream(capacity);
            await Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            _bufferedBody = buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }

        return _bufferedBody;
    }

    /// <summary>The whole body decoded as UTF-8.</summary>
    public async Task<string> ReadBodyAsStringAsync(CancellationToken cancellationToken = default)
    {
        var bytes = await ReadBodyAsBytesAsync(cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes.Span);
    }

    /// <summary>The body as JSON, through a source-generated <paramref name="typeInfo"/> (no reflection).</summary>
    public async Task<T?> ReadJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var bytes = await ReadBodyAsBytesAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(bytes.Span, typeInfo);
        }
        catch (JsonException e)
        {
            throw new FunctionRequestException(400, $"The request body is not valid JSON for {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>
    /// The submitted form. application/x-www-form-urlencoded is parsed; a request without a body gives an empty
    /// form; multipart/form-data and other types are refused with a <see cref="FunctionRequestException"/> (415).
    /// </summary>
    public async Task<FormData> ReadFormAsync(CancellationToken cancellationToken = default)
    {
        if (_form is not null)
        {
            return _form;
        }

        var mediaType = MediaType(ContentType);
        if (mediaType.Length == 0 && ContentLength is null or 0)
        {
            return _form = FormData.Empty;
        }

        if (!mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var hint = mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                ? "multipart/form-data is not supported (file uploads): read Body yourself, or submit the form without enctype"
                : "send the form as application/x-www-form-urlencoded";
            throw new FunctionRequestException(415, $"The request body is '{ContentType}', not a form: {hint}.");
        }

        var bytes = await ReadBodyAsBytesAsync(cancellationToken).ConfigureAwait(false);
        return _form = new FormData(UrlEncoded.Parse(bytes.Span));
    }

    private string? Variable(string name) => Environment.TryGetValue(name, out var value) ? value : null;

    private static ReadOnlySpan<char> MediaType(string? contentType)
    {
        if (contentType is null)
        {
            return [];
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        return (semicolon < 0 ? span : span[..semicolon]).Trim();
    }

    private static long? ParseLength(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new FunctionRequestException(400, $"CONTENT_LENGTH '{value}' is not a number of bytes.");
        }

        return length;
    }
}
