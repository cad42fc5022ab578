using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Http;

namespace ServerlessDocker.Gateway.Functions;

/// <summary>What a trigger hands the invoker: the request as CGI sees it, its body, and the call's id.</summary>
/// <param name="CallId">The X-Call-Id; also a label on the container.</param>
/// <param name="Request">The request as the CGI program sees it.</param>
/// <param name="ScriptName"><c>SCRIPT_NAME</c>: the prefix that selected the function.</param>
/// <param name="PathInfo"><c>PATH_INFO</c>: the rest of the path.</param>
/// <param name="Body">The request body for stdin, or null for none.</param>
/// <param name="ContentLength">The body's length when known.</param>
/// <param name="PassAuthorization">Whether the function may see the Authorization header (false when it carried a gateway token).</param>
/// <param name="InvokeAuthorized">Whether the caller proved it may invoke functions that require the invoke token
/// (it presented the token, or came through the admin API): a local redirect to such a function needs it.</param>
/// <param name="RunName">A deterministic container name, or null for a generated one. A name is a claim (a second run
/// with it gets <see cref="InvocationOutcome.NameTaken"/>): how a scheduler makes a run happen once.</param>
/// <param name="Labels">Extra container labels (a job run's job and slot), or null.</param>
/// <param name="Mounts">Extra mounts (an inline job's volumes), or null.</param>
/// <param name="KeepContainer">Leave the exited container in place: with <paramref name="RunName"/>, it keeps the name
/// claimed after the run (a scheduler removes its old claims itself).</param>
internal sealed record InvocationInput(
    string CallId,
    CgiRequest Request,
    string ScriptName,
    string PathInfo,
    Stream? Body,
    long? ContentLength,
    bool PassAuthorization,
    bool InvokeAuthorized,
    string? RunName = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<ContainerMount>? Mounts = null,
    bool KeepContainer = false)
{
    /// <summary>The input of a local redirect (RFC 3875 §6.2.2): a GET of <paramref name="target"/>, without a body.</summary>
    public InvocationInput ForLocalRedirect(CgiRequest redirected, RouteMatch target) =>
        this with { Request = redirected, ScriptName = target.ScriptName, PathInfo = target.PathInfo, Body = null, ContentLength = null, RunName = null };
}
