using System.Net.Sockets;
using System.Text;
using ServerlessDocker.Proxy.Authorization;
using ServerlessDocker.Proxy.Routing;

namespace ServerlessDocker.Proxy.Http;

/// <summary>
/// Serves one client connection of a scope socket: a strict HTTP/1.1 request loop, authorisation, and
/// forwarding over the proxy's own upstream connection, including hijacked attach/exec streams with
/// half-close in both directions.
/// </summary>
/// <remarks>
/// Steps per request: (1) parse the head strictly, (2) canonicalise the target and match a route (default-deny),
/// (3) read the body the route takes (capped) or drop it, (4) authorise and build the canonical request,
/// (5) forward it, (6) relay the answer, or pipe both ways for a hijack. Error answers never become blind pipes.
/// </remarks>
internal sealed class ClientConnection
{
    private static readonly HashSet<string> Methods = ["GET", "HEAD", "POST", "PUT", "DELETE"];
    private static readonly string[] ForwardedHeaders = ["User-Agent", "X-Registry-Auth", "X-Registry-Config"];
    private static readonly TimeSpan HijackDrainGrace = TimeSpan.FromSeconds(10);

    // The largest body read whole for a check before forwarding (a build context); spooled to a temporary file.
    private const long MaxStreamedCheckBytes = 4L * 1024 * 1024 * 1024;

    private const string BusyMessage = """{"message":"too many open connections on this scope socket; retry"}""";
    private static readonly byte[] BusyAnswer = Encoding.ASCII.GetBytes(
        $"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {BusyMessage.Length}\r\nServer: sdock-proxy\r\nConnection: close\r\n\r\n{BusyMessage}");

    private readonly ProxyScope _scope;
    private readonly BufferedConnection _client;
    private readonly CancellationTokenSource _deadline;
    private BufferedConnection? _upstream;

    /// <summary>Wraps an accepted socket.</summary>
    public ClientConnection(ProxyScope scope, Socket socket)
    {
        _scope = scope;
        _client = new BufferedConnection(socket);
        _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, scope.Proxy.Options.TimeProvider);
    }

    /// <summary>
    /// Answers a connection over the scope's cap with 503 and closes it, without reading from it (the answer is small
    /// enough for the socket buffer, so a client that never reads cannot hold the accept loop).
    /// </summary>
    public static void RefuseBusy(ProxyScope scope, Socket socket)
    {
        try
        {
            socket.Blocking = false;
            socket.Send(BusyAnswer, SocketFlags.None, out _);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }

        scope.Proxy.Audit.Write(scope.Path, "?", "?", "deny", 503, $"more than {scope.Policy.MaxConnections} open connections");
    }

    /// <summary>Serves requests until the client closes, a hijack ends, or cancellation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await ServeOneAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The client or the engine went away: nothing to answer.
        }
        catch (Exception ex)
        {
            // A bug must not take the proxy down; it is audited and the connection closed.
            _scope.Proxy.Audit.Write(_scope.Path, "?", "?", "error", 500, ex.ToString());
        }
        finally
        {
            _upstream?.Dispose();
            _client.Dispose();
            _deadline.Dispose();
        }
    }

    /// <summary>
    /// Waits for the next request's first byte (idle timeout), then arms the head timeout for its head and JSON body.
    /// False when the client closed or stayed idle too long: the connection just ends, as an idle keep-alive should.
    /// </summary>
    private async Task<bool> AwaitRequestAsync(CancellationToken reading, CancellationToken cancellationToken)
    {
        _deadline.CancelAfter(_scope.Policy.IdleTimeout);
        try
        {
            if (!await _client.EnsureBufferedAsync(reading).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (OperationCanceledException) when (_deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        // One deadline per request from its first byte: trickling a byte at a time does not extend it.
        _deadline.CancelAfter(_scope.Policy.HeadTimeout);
        return true;
    }

    private RequestRejectedException HeadTimedOut() =>
        new(408, $"the request head and body must arrive within {_scope.Policy.HeadTimeout.TotalSeconds:0.###}s of its first byte");

    private async Task<bool> ServeOneAsync(CancellationToken cancellationToken)
    {
        string? headText;
        HttpHead head;
        BodyFraming framing;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
        try
        {
            if (!await AwaitRequestAsync(reading.Token, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            try
            {
                headText = await _client.ReadHeadAsync(reading.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw HeadTimedOut();
            }

            if (headText is null)
            {
                return false;
            }

            head = HttpHead.Parse(headText, isRequest: true);
            framing = BodyFraming.ForRequest(head);
        }
        catch (RequestRejectedException ex)
        {
            await AnswerAsync(ex.StatusCode, ex.Message, close: true, cancellationToken).ConfigureAwait(false);
            _scope.Proxy.Audit.Write(_scope.Path, "?", "?", "deny", ex.StatusCode, ex.Message);
            return false;
        }

        var method = head.First;
        var keepAlive = head.Third == "HTTP/1.1" && !head.HasToken("Connection", "close");
        var bodyConsumed = framing.Kind == BodyFramingKind.None;
        var auditPath = head.Second;
        try
        {
            if (!Methods.Contains(method))
            {
                throw new RequestRejectedException(405, $"method '{method}' is not allowed");
            }

            if (head.GetAll("X-HTTP-Method-Override").Any() || head.GetAll("X-Method-Override").Any() || head.GetAll("X-HTTP-Method").Any())
            {
                throw new RequestRejectedException(400, "method override headers are not accepted");
            }

            var target = RequestTargetParser.Parse(head.Second);
            auditPath = target.Path;
            var route = RouteTable.Match(method, target.Segments)
                ?? throw new RequestRejectedException(403, $"endpoint {method} {target.Path} is not allowed");

            var upgrade = head.GetSingle("Upgrade");
            if (upgrade is not null && (!route.Hijack || !string.Equals(upgrade, "tcp", StringComparison.OrdinalIgnoreCase)))
            {
                throw new RequestRejectedException(400, "Upgrade is only accepted as 'tcp' on attach and exec start");
            }

            if (route.Body == RouteBody.Stream)
            {
                StreamContentType.Check(head.GetAll("Content-Type"), archive: route.Name == "container.archive.put");
            }

            if (head.HasToken("Expect", "100-continue") && !bodyConsumed && route.Body != RouteBody.Stream)
            {
                await _client.SendAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            byte[] body;
            try
            {
                body = route.Body == RouteBody.Stream ? [] : await BodyIO.ReadAllAsync(_client, framing, _scope.Policy.MaxBodyBytes, reading.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw HeadTimedOut();
            }

            // The request has arrived: what follows (engine look-ups, streams, hijacks) is not timed.
            _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            bodyConsumed |= route.Body != RouteBody.Stream;
            if (route.Body == RouteBody.None)
            {
                body = [];
            }

            ForwardPlan plan;
            try
            {
                plan = await new RequestAuthorizer(_scope, _scope.Proxy.Engine).AuthorizeAsync(method, target, route, body, cancellationToken).ConfigureAwait(false);
                plan = plan with { FilterAnswer = AnswerFilter.For(route.Name) };
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException)
            {
                // The engine failed a look-up the decision needs: the same 502 a failure while forwarding gets.
                throw new RequestRejectedException(502, $"the Docker engine failed while the request was checked: {ex.GetBaseException().Message}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
            {
                // A value of a kind a check did not expect: the body shapes should have refused it, never forward it.
                throw new RequestRejectedException(400, $"malformed request: {ex.Message}");
            }

            auditPath = plan.Target;
            var sendContinue = route.Body == RouteBody.Stream && head.HasToken("Expect", "100-continue");
            if (plan.CheckStreamedBody is { } check)
            {
                // Checked whole before the engine sees a byte of it (a build's Dockerfile names the images it reads).
                if (sendContinue)
                {
                    await _client.SendAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                }

                var spooled = await BodyIO.SpoolAsync(_client, framing, MaxStreamedCheckBytes, cancellationToken).ConfigureAwait(false);
                await using (spooled.ConfigureAwait(false))
                {
                    bodyConsumed = true;
                    await check(spooled, cancellationToken).ConfigureAwait(false);
                    spooled.Position = 0;
                    return await ForwardAsync(plan, head, new BodyFraming(spooled.Length == 0 ? BodyFramingKind.None : BodyFramingKind.Length, spooled.Length),
                        upgrade is not null, keepAlive, sendContinue: false, cancellationToken, spooled).ConfigureAwait(false);
                }
            }

            return await ForwardAsync(plan, head, framing, upgrade is not null, keepAlive, sendContinue, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestRejectedException ex)
        {
            var status = ex.StatusCode;
            if (!bodyConsumed && status is not (413 or 408) && framing.Kind == BodyFramingKind.Length && framing.Length <= _scope.Policy.MaxBodyBytes)
            {
                // Keep the connection usable: the unread body must not be parsed as the next request.
                await BodyIO.DiscardAsync(_client, framing, _scope.Policy.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
                bodyConsumed = true;
            }

            _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            var close = !keepAlive || !bodyConsumed || status is 413 or 408;
            _scope.Proxy.Audit.Write(_scope.Path, method, auditPath, status >= 500 ? "error" : "deny", status, ex.Message);
            await AnswerAsync(status, ex.Message, close, cancellationToken).ConfigureAwait(false);
            return !close;
        }
    }

    private async Task<bool> ForwardAsync(ForwardPlan plan, HttpHead clientHead, BodyFraming clientFraming, bool upgrade, bool keepAlive, bool sendContinue, CancellationToken cancellationToken, Stream? spooledBody = null)
    {
        var status = 0;
        try
        {
            BufferedConnection upstream;
            try
            {
                upstream = await GetUpstreamAsync(fresh: plan.StreamBody || plan.Hijack, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                _scope.Proxy.Audit.Write(_scope.Path, plan.Method, plan.Target, "error", 502, ex.Message);
                await AnswerAsync(502, $"the Docker engine is unreachable: {ex.Message}", close: true, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (sendContinue)
            {
                await _client.SendAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }

            await upstream.SendAsync(BuildRequestHead(plan, clientHead, clientFraming, upgrade), cancellationToken).ConfigureAwait(false);
            if (spooledBody is not null)
            {
                await BodyIO.SendAsync(spooledBody, upstream, cancellationToken).ConfigureAwait(false);
            }
            else if (plan.StreamBody)
            {
                await BodyIO.StreamRequestBodyAsync(_client, clientFraming, upstream, cancellationToken).ConfigureAwait(false);
            }

            var responseText = await upstream.ReadHeadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new RequestRejectedException(502, "the engine closed the connection");
            var response = HttpHead.Parse(responseText, isRequest: false);
            status = int.TryParse(response.Second, out var s) ? s : 502;
            _scope.Proxy.Audit.Write(_scope.Path, plan.Method, plan.Target, plan.Warnings.Count > 0 ? "warn" : "allow", status, plan.Warnings.Count > 0 ? string.Join("; ", plan.Warnings) : null);

            var responseFraming = BodyFraming.ForResponse(response, status, plan.Method == "HEAD");
            var headBytes = Encoding.Latin1.GetBytes(responseText + "\r\n\r\n");
            if (plan.Hijack && (status == 101 || (status == 200 && responseFraming.Kind == BodyFramingKind.UntilClose)))
            {
                await _client.SendAsync(headBytes, cancellationToken).ConfigureAwait(false);
                await PipeBothWaysAsync(upstream, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (plan.FilterAnswer is { } filter && status == 200 && responseFraming.Kind is BodyFramingKind.Length or BodyFramingKind.Chunked)
            {
                // The whole answer, filtered, with a length of its own (the engine's framing no longer fits it).
                var answer = filter(await ReadAnswerToFilterAsync(plan, upstream, responseFraming, cancellationToken).ConfigureAwait(false));
                await _client.SendAsync(FilteredHead(response, answer.Length), cancellationToken).ConfigureAwait(false);
                await _client.SendAsync(answer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await SendHeadWithBufferedBodyAsync(plan, status, headBytes, upstream, responseFraming, cancellationToken).ConfigureAwait(false);
            }

            if (responseFraming.Kind == BodyFramingKind.UntilClose || response.HasToken("Connection", "close") || status == 101)
            {
                return false;
            }

            return keepAlive;
        }
        finally
        {
            if (plan.OnCompleted is not null)
            {
                await plan.OnCompleted(status).ConfigureAwait(false);
            }
        }
    }

    private async Task<byte[]> ReadAnswerToFilterAsync(ForwardPlan plan, BufferedConnection upstream, BodyFraming framing, CancellationToken cancellationToken)
    {
        try
        {
            return await BodyIO.ReadAllAsync(upstream, framing, AnswerFilter.MaxFilteredBytes,
                limit => new RequestRejectedException(502, $"the engine's answer to {plan.Method} {plan.Target} is larger than {limit} bytes, more than the proxy filters for a scoped client; ask for less (filters, a narrower list)"),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestRejectedException ex)
        {
            // The rest of that answer is still on the upstream connection: it can never carry another request.
            _upstream?.Dispose();
            _upstream = null;
            throw ex.StatusCode == 502 ? ex : new RequestRejectedException(502, $"the engine's answer to {plan.Method} {plan.Target} broke off: {ex.Message}");
        }
    }

    private static byte[] FilteredHead(HttpHead response, int length)
    {
        var builder = new StringBuilder(256);
        builder.Append(response.First).Append(' ').Append(response.Second).Append(' ').Append(response.Third).Append("\r\n");
        foreach (var (name, value) in response.Headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        builder.Append("Content-Length: ").Append(length).Append("\r\n\r\n");
        return Encoding.Latin1.GetBytes(builder.ToString());
    }

    private async Task SendHeadWithBufferedBodyAsync(ForwardPlan plan, int status, byte[] headBytes, BufferedConnection upstream, BodyFraming framing, CancellationToken cancellationToken)
    {
        // Small answers usually arrive whole with their head: send them in one write.
        if (framing.Kind == BodyFramingKind.Length && upstream.Buffered.Length >= framing.Length)
        {
            var combined = new byte[headBytes.Length + framing.Length];
            headBytes.CopyTo(combined, 0);
            upstream.Buffered.Span[..(int)framing.Length].CopyTo(combined.AsSpan(headBytes.Length));
            upstream.Consume((int)framing.Length);
            plan.OnWholeAnswer?.Invoke(status, combined.AsMemory(headBytes.Length));
            await _client.SendAsync(combined, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _client.SendAsync(headBytes, cancellationToken).ConfigureAwait(false);
        await BodyIO.RelayResponseBodyAsync(upstream, framing, _client, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] BuildRequestHead(ForwardPlan plan, HttpHead clientHead, BodyFraming clientFraming, bool upgrade)
    {
        var builder = new StringBuilder(256);
        builder.Append(plan.Method).Append(' ').Append(plan.Target).Append(" HTTP/1.1\r\nHost: docker\r\n");
        foreach (var name in ForwardedHeaders)
        {
            if (clientHead.GetAll(name).FirstOrDefault() is { } value)
            {
                builder.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        if (plan.Body is { } body)
        {
            builder.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length).Append("\r\n");
        }
        else if (plan.StreamBody && clientFraming.Kind != BodyFramingKind.None)
        {
            // Never the client's Content-Type: a form-encoded one makes the engine read parameters from the body.
            builder.Append("Content-Type: ").Append(StreamContentType.Forwarded).Append("\r\n");
            builder.Append(clientFraming.Kind == BodyFramingKind.Chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {clientFraming.Length}\r\n");
        }
        else if (plan.Method is "POST" or "PUT")
        {
            builder.Append("Content-Length: 0\r\n");
        }

        if (plan.Hijack && upgrade)
        {
            builder.Append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        }

        builder.Append("\r\n");
        var headBytes = Encoding.Latin1.GetBytes(builder.ToString());
        if (plan.Body is not { Length: > 0 })
        {
            return headBytes;
        }

        var combined = new byte[headBytes.Length + plan.Body.Length];
        headBytes.CopyTo(combined, 0);
        plan.Body.CopyTo(combined, headBytes.Length);
        return combined;
    }

    private async Task<BufferedConnection> GetUpstreamAsync(bool fresh, CancellationToken cancellationToken)
    {
        // A pooled upstream connection that became readable while idle was closed by the engine (or is out of sync).
        if (_upstream is not null && (fresh || _upstream.Buffered.Length > 0 || _upstream.Socket.Poll(0, SelectMode.SelectRead)))
        {
            _upstream.Dispose();
            _upstream = null;
        }

        _upstream ??= new BufferedConnection(await _scope.Proxy.Upstream.ConnectAsync(cancellationToken).ConfigureAwait(false));
        return _upstream;
    }

    private async Task PipeBothWaysAsync(BufferedConnection upstream, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toUpstream = PumpAsync(_client, upstream, linked.Token);
        var toClient = PumpAsync(upstream, _client, linked.Token);
        await toClient.ConfigureAwait(false);

        // The engine has finished sending; give the client a moment to finish its side, then tear down.
        if (await Task.WhenAny(toUpstream, Task.Delay(HijackDrainGrace, _scope.Proxy.Options.TimeProvider, cancellationToken)).ConfigureAwait(false) != toUpstream)
        {
            await linked.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await toUpstream.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task PumpAsync(BufferedConnection from, BufferedConnection to, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
        }

        // Half-close: the other side sees EOF (stdin closed, or output finished) but can still send.
        try
        {
            to.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerAsync(int status, string message, bool close, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["message"] = message }.ToJsonString());
        var head = $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nServer: sdock-proxy\r\n{(close ? "Connection: close\r\n" : string.Empty)}\r\n";
        var bytes = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        Encoding.ASCII.GetBytes(head, bytes);
        body.CopyTo(bytes, bytes.Length - body.Length);
        await _client.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (close)
        {
            try
            {
                _client.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };
}
