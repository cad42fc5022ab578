using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Functions;

/// <summary>Runs one function once (one container) and tells how it ended; the invoker's seam for tests.</summary>
internal interface IFunctionRunner
{
    /// <summary>Runs the call, writing its response (or the failure's) to the sink.</summary>
    Task<InvocationResult> ExecuteAsync(FunctionDefinition fn, InvocationInput input, IResponseSink sink, CancellationToken cancellationToken);
}
