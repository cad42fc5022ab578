using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Execution;

/// <summary>One call to run: the function, the request as CGI sees it, and its body.</summary>
internal sealed record ExecutionRequest(
    FunctionDefinition Function,
    CgiRequest Request,
    string ScriptName,
    string PathInfo,
    Stream? Body,
    long? ContentLength,
    string CallId,
    bool PassAuthorization,
    InvocationKind Kind);

/// <summary>How a call arrived.</summary>
public enum InvocationKind
{
    /// <summary>A synchronous HTTP request.</summary>
    Sync,

    /// <summary>An asynchronous call run in the background.</summary>
    Async,
}
