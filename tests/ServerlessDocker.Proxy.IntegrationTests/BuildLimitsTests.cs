using System.Formats.Tar;
using System.Text;

namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// A build's RUN steps run in intermediate containers: the proxy gives them the scope's memory and CPU limits (the
/// build API's own parameters), refuses client values above the policy, and refuses builds under a quota that counts
/// memory, PIDs or CPUs (the build API has no PIDs limit and quotas do not count build containers).
/// </summary>
public sealed class BuildLimitsTests(ProxyEnvironment environment)
{
    private static readonly ProxyPolicy Limited = ProxyPolicy.Default with
    {
        Limits = ResourceLimits.Default with { DefaultMemoryBytes = 32L * 1024 * 1024, MaxMemoryBytes = 64L * 1024 * 1024, MaxCpus = 1 },
    };

    private string NewTag() => $"sdock-proxy-build-limits-{environment.RunId}-{Guid.NewGuid():N}"[..44] + ":latest";

    [Fact(Timeout = 180000)]
    public async Task Build_RunStepsGetThePolicysMemoryAndCpuLimits()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("blimits", Limited);
        var tag = NewTag();
        try
        {
            var response = await BuildAsync(scope, tag, "FROM busybox\nRUN echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)\n", string.Empty, ct);

            Assert.True(response.Status == 200, response.ToString());
            Assert.Contains("mem=33554432 quota=100000", response.Body, StringComparison.Ordinal);
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", tag);
        }
    }

    [Fact(Timeout = 180000)]
    public async Task Build_RunAllocatingBeyondTheMemoryLimit_Fails_AndBuildsWithoutALimitInThePolicy()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Hog = "FROM busybox\nRUN head -c 70000000 /dev/zero | tail -c 60000000 > /dev/null\n";
        await using var limited = await environment.CreateScopeAsync("bhog", Limited);
        await using var unlimited = await environment.CreateScopeAsync("bhogok", ProxyPolicy.Default with
        {
            Limits = ResourceLimits.Default with { DefaultMemoryBytes = 0, MaxMemoryBytes = 0 },
        });
        var (failed, built) = (NewTag(), NewTag());
        try
        {
            var refused = await BuildAsync(limited, failed, Hog, string.Empty, ct);
            Assert.Contains("errorDetail", refused.Body, StringComparison.Ordinal);
            Assert.Null(await ImageIdAsync(failed, ct));

            // The control: the same RUN passes where the policy sets no memory limit, so the failure above is the limit's.
            var passed = await BuildAsync(unlimited, built, Hog, string.Empty, ct);
            Assert.DoesNotContain("errorDetail", passed.Body, StringComparison.Ordinal);
            Assert.NotNull(await ImageIdAsync(built, ct));
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", failed, built);
        }
    }

    [Theory(Timeout = 120000)]
    [InlineData("&memory=134217728", 403)]
    [InlineData("&memory=-1", 400)]
    [InlineData("&cpuquota=200000", 403)]
    [InlineData("&cpuquota=10000000000&cpuperiod=100000", 403)]
    [InlineData("&cpuquota=-1", 400)]
    [InlineData("&cpuperiod=10", 400)]
    [InlineData("&memory=33554432&memswap=1024", 400)]
    [InlineData("&memory=1e9", 400)]
    public async Task Build_ClientLimitOutsideThePolicy_RefusedAndNothingBuilt(string extra, int status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("bover", Limited);
        var tag = NewTag();

        var response = await BuildAsync(scope, tag, "FROM busybox\nRUN true\n", extra, ct);

        Assert.True(response.Status == status, response.ToString());
        Assert.Null(await ImageIdAsync(tag, ct));
    }

    [Fact(Timeout = 120000)]
    public async Task Build_UnderAPidsQuota_Refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await environment.CreateScopeAsync("bquota", Limited with { Quota = ScopeQuota.Default with { MaxTotalPids = 1000 } });
        var tag = NewTag();

        var response = await BuildAsync(scope, tag, "FROM busybox\nRUN true\n", string.Empty, ct);

        Assert.True(response.Status == 403, response.ToString());
        Assert.Contains("quota", response.Body, StringComparison.Ordinal);
        Assert.Null(await ImageIdAsync(tag, ct));
    }

    private static async Task<RawResponse> BuildAsync(ProxyScope scope, string tag, string dockerfile, string extra, CancellationToken ct)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)) });
        }

        var body = stream.ToArray();
        var head = $"POST /v1.41/build?t={Uri.EscapeDataString(tag)}{extra} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nContent-Type: application/x-tar\r\nContent-Length: {body.Length}\r\n\r\n";
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(scope.SocketPath), ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), System.Net.Sockets.SocketFlags.None, ct);

        // A RUN under memory pressure can take longer than the shared helper's 20 s.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var received = new MemoryStream();
        var buffer = new byte[16384];
        while (await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token) is var n and > 0)
        {
            received.Write(buffer, 0, n);
        }

        return RawHttp.Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private static async Task<string?> ImageIdAsync(string reference, CancellationToken ct)
    {
        var r = await DockerCli.RunAsync(ct, "image", "inspect", "--format", "{{.Id}}", reference);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }
}
