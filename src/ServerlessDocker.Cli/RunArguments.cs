namespace ServerlessDocker.Cli;

/// <summary>
/// Makes `sdock run [OPTIONS] IMAGE [ARG...]` behave like `docker run`: everything after the image belongs
/// to the container, even when it looks like an option (`sdock run busybox ls -l`).
/// </summary>
internal static class RunArguments
{
    /// <summary>Options of `run` that take a value (so the value is not mistaken for the image), read off the
    /// command itself so the list cannot drift from the options `run` really has.</summary>
    public static readonly HashSet<string> OptionsWithValue = Commands.RunCommand.Create().Options
        .Where(o => o.ValueType != typeof(bool))
        .SelectMany(o => o.Aliases.Prepend(o.Name))
        .ToHashSet(StringComparer.Ordinal);

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
