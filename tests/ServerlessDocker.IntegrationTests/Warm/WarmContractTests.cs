using ServerlessDocker.Warm;

namespace ServerlessDocker.IntegrationTests;

/// <summary>The same cases cold and warm: arguments, environment, stdin, separate streams, exit codes, start failures.</summary>
public sealed class WarmContractTests(EngineFixture engine)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One case: an image, arguments, and optionally an entrypoint, environment, working directory and stdin.</summary>
    public sealed record Case(string Name, string Image, string[] Arguments, string[]? Entrypoint = null, string? Env = null, string? WorkingDirectory = null, string? Stdin = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new Case("busybox echo", "busybox", ["echo", "a  b", "c"]),
        new Case("busybox env", "busybox", ["sh", "-c", "echo \"$FOO|$PATH|$HOME\""], Env: "FOO=bar baz"),
        new Case("busybox stdin", "busybox", ["sh", "-c", "cat; echo; echo done"], Stdin: "line1\nline2"),
        new Case("busybox streams exit 3", "busybox", ["sh", "-c", "echo o1; echo e1 >&2; echo o2; echo e2 >&2; exit 3"]),
        new Case("busybox exit 0 empty", "busybox", ["true"]),
        new Case("busybox workdir", "busybox", ["pwd"], WorkingDirectory: "/tmp/made/here"),
        new Case("busybox entrypoint", "busybox", ["-c", "echo via entrypoint $0"], Entrypoint: ["sh"]),
        new Case("busybox big stdin", "busybox", ["sh", "-c", "wc -c"], Stdin: new string('x', 3 * 1024 * 1024)),
        new Case("busybox big stdout", "busybox", ["sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' y; echo"]),
        new Case("busybox not found", "busybox", ["no-such-command"]),
        new Case("busybox not executable", "busybox", ["/etc/passwd"]),
        new Case("scratch image command", WarmPools.ScratchImage, []),
        new Case("scratch arguments", WarmPools.ScratchImage, ["x", "y"]),
        new Case("scratch workdir", WarmPools.ScratchImage, [], Entrypoint: ["pwd"]),
        new Case("scratch env", WarmPools.ScratchImage, [], Entrypoint: ["env"], Env: "GREETING=overridden"),
        new Case("scratch new env", WarmPools.ScratchImage, [], Entrypoint: ["env"], Env: "NEWVAR=new"),
        new Case("scratch stdin", WarmPools.ScratchImage, [], Entrypoint: ["/bin/cat"], Stdin: "through cat\n"),
        new Case("scratch exit 1", WarmPools.ScratchImage, [], Entrypoint: ["false"]),
        new Case("scratch no shell", WarmPools.ScratchImage, ["-c", "echo hi"], Entrypoint: ["sh"]),
    ];

    [Theory(Timeout = 120000)]
    [MemberData(nameof(Cases))]
    public Task Warm_RunsTheCase_ExactlyAsCold(Case c) => CompareAsync(c, WarmTransport.UnixSocket);

    [Theory(Timeout = 120000)]
    [MemberData(nameof(Cases))]
    public Task WarmOverAttach_RunsTheCase_ExactlyAsCold(Case c) => CompareAsync(c, WarmTransport.Attach);

    private async Task CompareAsync(Case c, WarmTransport transport)
    {
        var test = new TestCase();
        await using var pool = WarmPools.Create(engine, test, c.Image, new WarmPoolOptions { Min = 0, Max = 2, Transport = transport });

        var cold = await RunAsync(Configure(engine.Command(test, c.Image, c.Arguments), c));
        var warm = await RunAsync(Configure(engine.Command(test, c.Image, c.Arguments), c).OnWarmPool(pool));

        Assert.Equal(cold, warm);
        Assert.Equal(1, pool.ContainerCount); // it did run warm
        await pool.DisposeAsync();
        await test.AssertNoContainersLeftAsync(Ct);
    }

    private static ContainerCommand Configure(ContainerCommand command, Case c)
    {
        if (c.Entrypoint is not null)
        {
            command = command.WithEntrypoint(c.Entrypoint);
        }

        if (c.Env is { } env)
        {
            var eq = env.IndexOf('=');
            command = command.WithEnvironment(env[..eq], env[(eq + 1)..]);
        }

        if (c.WorkingDirectory is not null)
        {
            command = command.WithWorkingDirectory(c.WorkingDirectory);
        }

        if (c.Stdin is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(c.Stdin));
        }

        return command.WithValidation(ResultValidation.None);
    }

    /// <summary>What a caller can observe: stdout, stderr and the exit code, or the start failure's type and code.</summary>
    private static async Task<string> RunAsync(ContainerCommand command)
    {
        try
        {
            var r = await command.ExecuteBufferedAsync(Ct);
            // The container's hostname is its id: the one line that differs between any two containers.
            var stdout = string.Join('\n', r.StandardOutput.Split('\n').Where(l => !l.StartsWith("HOSTNAME=", StringComparison.Ordinal)));
            return $"exit {r.ExitCode}\nstdout: {Shorten(stdout)}\nstderr: {Shorten(r.StandardError)}";
        }
        catch (ContainerStartException ex)
        {
            return $"{nameof(ContainerStartException)} {ex.ExitCode}";
        }
    }

    private static string Shorten(string s) => s.Length > 200 ? $"{s.Length} chars: {s[..100]}…{s[^50..]}" : s;
}
