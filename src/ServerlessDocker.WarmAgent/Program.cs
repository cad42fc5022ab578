using ServerlessDocker.WarmAgent;

// sdock-agent --socket PATH: the entrypoint of a warm container (docs/designs/warm.md).
if (args is ["--socket", var socketPath])
{
    return Agent.Run(socketPath);
}

if (args is ["--stdio"])
{
    return Agent.RunStdio();
}

Console.Error.WriteLine("usage: sdock-agent --socket PATH | --stdio   (the entrypoint of a warm container; see docs/designs/warm.md)");
return 2;
