namespace ServerlessDocker;

/// <summary>
/// What every backend refuses before anything is created: an image reference the engine cannot parse, and text the
/// engine would cut or reject (a NUL cannot cross exec's C strings, so an argument with one would not arrive whole).
/// </summary>
internal static class CommandChecks
{
    public static void Validate(ContainerCommand command)
    {
        if (!ImageReference.TryValidate(command.Image, out var problem))
        {
            throw new InvalidCommandException("image", $"'{command.Image}' is not an image reference: {problem}; for example busybox, busybox:1.36 or registry.example:5000/team/app:v2.");
        }

        for (var i = 0; i < command.Arguments.Count; i++)
        {
            NoNul($"argument {i + 1}", command.Arguments[i]);
        }

        foreach (var part in command.Entrypoint ?? [])
        {
            NoNul("entrypoint", part);
        }

        foreach (var (name, value) in command.Environment)
        {
            NoNul($"environment variable {name}", name);
            NoNul($"environment variable {name}", value);
        }

        foreach (var (name, value) in command.Labels)
        {
            NoNul($"label {name}", name);
            NoNul($"label {name}", value);
        }

        NoNul("working directory", command.WorkingDirectory);
        NoNul("user", command.User);
    }

    private static void NoNul(string setting, string? value)
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidCommandException(setting, "contains a NUL character, which a process cannot receive; remove it or encode the data (base64) and pass it through stdin.");
        }
    }
}
