namespace ServerlessDocker.Gateway.Functions;

/// <summary>Which trigger started a call (a metrics label and a column of the call log).</summary>
internal enum InvocationKind
{
    /// <summary>A synchronous HTTP request.</summary>
    Sync,

    /// <summary>An asynchronous call run in the background.</summary>
    Async,

    /// <summary>A slot of a scheduled job (<c>jobs:</c>).</summary>
    Cron,
}
