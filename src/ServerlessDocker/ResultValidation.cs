namespace ServerlessDocker;

/// <summary>What counts as a failed run.</summary>
public enum ResultValidation
{
    /// <summary>A non-zero exit code throws <see cref="ContainerExitException"/> (the default).</summary>
    ZeroExitCode,

    /// <summary>Any exit code is returned in the result; nothing is thrown for it.</summary>
    None,
}
