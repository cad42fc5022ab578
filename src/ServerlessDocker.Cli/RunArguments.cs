namespace ServerlessDocker.Cli;

/// <summary>
/// Makes `sdock run [OPTIONS] IMAGE [ARG...]` behave like `docker run`: everything after the image belongs
/// to the container, even when it looks like an option (`sdock run busybox ls -l`).
/// </summary>
internal static class RunArguments
{
    /// <summary>Options of `run` that take a value (so the value is not mistaken for the image).</summary>
    public static readonly HashSet<string> OptionsWithValue =
    [
        "--timeout", "-e", "--env", "--memory", "-m", "--cpus", "--pids", "--network", "--pull", "--entrypoint",
        "-w", "--workdir", "-u", "--user", "-l", "--label", "-v", "--volume", "--mount", "--backend",
        "--replicas", "--max-concurrent", "--docker-access", "--constraint", "--output-limit",
    ];

    public static string[] SeparateContainerArguments(string[] args)
    {
        var run = Array.IndexOf(args, "run");
        if (run < 0 || args.Take(run).Any(a => !a.StartsWith('-')))
        {
            return args;
        }

        for (var i = run + 1; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                return args;
            }

            if (a.StartsWith('-') && a.Length > 1)
            {
                if (!a.Contains('=') && OptionsWithValue.Contains(a))
                {
                    i++;
                }

                continue;
            }

            // The first positional token is the image: put a separator before it.
            return [.. args[..i], "--", .. args[i..]];
        }

        return args;
    }
}
