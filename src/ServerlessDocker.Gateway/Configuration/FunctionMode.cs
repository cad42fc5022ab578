namespace ServerlessDocker.Gateway.Configuration;

/// <summary>How a function's container talks HTTP.</summary>
public enum FunctionMode
{
    /// <summary>RFC 3875 CGI: request metadata in the environment, body on stdin, a CGI response on stdout.</summary>
    Cgi,

    /// <summary>Not a CGI program: stdout is the response body and a non-zero exit code gives 500.</summary>
    Plain,
}
