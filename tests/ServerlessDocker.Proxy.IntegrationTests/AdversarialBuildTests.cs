using System.Formats.Tar;
using System.Text;

namespace ServerlessDocker.Proxy.IntegrationTests;

/// <summary>
/// Threats doc, builds: parameters smuggled in a form-encoded body (builds and archive uploads), and build query parameters outside the whitelist.
/// Each test asserts the proxy's verdict and, with the docker CLI straight at the engine as the oracle, what was built.
/// </summary>
public sealed class AdversarialBuildTests(ProxyEnvironment environment)
{
    private string NewTag() => $"sdock-proxy-adv-build-{environment.RunId}-{Guid.NewGuid():N}"[..44] + ":latest";

    private static byte[] Context(string dockerfile)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(dockerfile)) };
            writer.WriteEntry(entry);
        }

        return stream.ToArray();
    }

    private static async Task<RawResponse> BuildAsync(ProxyScope scope, string query, string? contentType, byte[] body, CancellationToken ct)
    {
        var head = $"POST /v1.41/build{query} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
            + (contentType is null ? string.Empty : $"Content-Type: {contentType}\r\n") + $"Content-Length: {body.Length}\r\n\r\n";
        return RawHttp.Parse(await RawHttp.ExchangeAsync(scope.SocketPath, [.. Encoding.ASCII.GetBytes(head), .. body], ct));
    }

    private static async Task<string?> ImageIdAsync(string reference, CancellationToken ct)
    {
        var r = await DockerCli.RunAsync(ct, "image", "inspect", "--format", "{{.Id}}", reference);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }

    private static async Task<string> LabelAsync(string reference, string label, CancellationToken ct) =>
        (await DockerCli.RunAsync(ct, "image", "inspect", "--format", $"{{{{index .Config.Labels \"{label}\"}}}}", reference)).StandardOutput.Trim();

    [Theory(Timeout = 120000)]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("Application/X-WWW-Form-Urlencoded; charset=utf-8")]
    [InlineData("multipart/form-data; boundary=xyz")]
    [InlineData("application/json")]
    public async Task Build_FormEncodedBody_400AndNothingTaggedOrBuilt(string contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var own = NewTag();
        var victimBefore = await ImageIdAsync(t.VictimImage, ct);
        var busyboxBefore = await ImageIdAsync("busybox:latest", ct);
        var form = $"t={Uri.EscapeDataString(t.VictimImage)}&t=busybox%3Alatest&labels=%7B%7D&networkmode=host&remote=http%3A%2F%2F127.0.0.1%3A9%2Fctx.tar";
        var body = contentType.StartsWith("multipart", StringComparison.Ordinal)
            ? Encoding.ASCII.GetBytes($"--xyz\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n{t.VictimImage}\r\n--xyz--\r\n")
            : Encoding.ASCII.GetBytes(form);

        var response = await BuildAsync(t.Attacker, $"?t={Uri.EscapeDataString(own)}", contentType, body, ct);

        Assert.True(response.Status == 400, response.ToString());
        Assert.Contains("Content-Type", response.Body, StringComparison.Ordinal);
        Assert.Null(await ImageIdAsync(own, ct));
        Assert.Equal(victimBefore, await ImageIdAsync(t.VictimImage, ct));
        Assert.Equal(busyboxBefore, await ImageIdAsync("busybox:latest", ct));
    }

    [Theory(Timeout = 120000)]
    [InlineData(null)]
    [InlineData("application/x-tar")]
    [InlineData("application/tar")]
    public async Task Build_TarContext_BuiltUnderQueryTagWithProxyLabelsWinningOverDockerfile(string? contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var own = NewTag();
        var forged = $"FROM busybox\nLABEL io.sdock.proxy.scope={t.Victim.Path} io.sdock.proxy.scope.0={t.Victim.Path} io.sdock.proxy.scope.1=x\nCMD [\"true\"]\n";
        try
        {
            var response = await BuildAsync(t.Attacker, $"?t={Uri.EscapeDataString(own)}&labels=%7B%22app%22%3A%22ok%22%7D", contentType, Context(forged), ct);

            Assert.True(response.Status == 200, response.ToString());
            Assert.DoesNotContain("errorDetail", response.Body, StringComparison.Ordinal);
            Assert.NotNull(await ImageIdAsync(own, ct));
            Assert.Equal(t.Attacker.Path, await LabelAsync(own, ScopeLabels.Scope, ct));
            Assert.Equal(t.Attacker.Path, await LabelAsync(own, ScopeLabels.AtDepth(0), ct));
            Assert.Equal(string.Empty, await LabelAsync(own, ScopeLabels.AtDepth(1), ct));
            Assert.Equal("ok", await LabelAsync(own, "app", ct));
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", own);
        }
    }

    [Theory(Timeout = 120000)]
    [InlineData("&networkmode=host", 403)]
    [InlineData("&networkmode=container%3A{victim}", 403)]
    [InlineData("&remote=http%3A%2F%2F127.0.0.1%3A9%2Fctx.tar", 403)]
    [InlineData("&pull=yes", 403)]
    [InlineData("&labels=%7B%22io.sdock.docker-access%22%3A%22scoped%22%7D", 403)]
    [InlineData("&labels=%7B%22Io.Sdock.Proxy.Scope%22%3A%22x%22%7D", 403)]
    [InlineData("&securityopt=", 403)]
    [InlineData("&cachefrom=%5B%22{victimImage}%22%5D", 404)]
    [InlineData("&t=busybox%3Alatest", 403)]
    [InlineData("&t={victimImage}", 403)]
    [InlineData("&t=UPPER", 400)]
    [InlineData("&extrahosts=x%3Anot-an-ip", 400)]
    [InlineData("&iidfile=%2Ftmp%2Fx", 400)]
    [InlineData("&labels=%7B%7D&labels=%7B%22io.sdock.proxy.scope%22%3A%22x%22%7D", 400)]
    public async Task Build_QueryOutsideWhitelist_RefusedAndNothingBuilt(string extra, int status)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var own = NewTag();
        var victimBefore = await ImageIdAsync(t.VictimImage, ct);
        var busyboxBefore = await ImageIdAsync("busybox:latest", ct);
        var query = $"?t={Uri.EscapeDataString(own)}" + extra.Replace("{victim}", t.VictimContainer, StringComparison.Ordinal).Replace("{victimImage}", Uri.EscapeDataString(t.VictimImage), StringComparison.Ordinal);

        var response = await BuildAsync(t.Attacker, query, "application/x-tar", Context("FROM busybox\nCMD [\"true\"]\n"), ct);

        Assert.True(response.Status == status, response.ToString());
        Assert.Null(await ImageIdAsync(own, ct));
        Assert.Equal(victimBefore, await ImageIdAsync(t.VictimImage, ct));
        Assert.Equal(busyboxBefore, await ImageIdAsync("busybox:latest", ct));
    }

    [Theory(Timeout = 120000)]
    [InlineData("FROM {victimImage}\n", "", 404)]
    [InlineData("ARG BASE={victimImage}\nFROM $BASE\n", "", 404)]
    [InlineData("ARG BASE=busybox\nFROM ${BASE}\n", "&buildargs=%7B%22BASE%22%3A%22{victimImageJson}%22%7D", 404)]
    [InlineData("ARG BASE\nFROM ${BASE:-{victimImage}}\n", "", 404)]
    [InlineData("FROM --platform=linux/amd64 {victimImage} AS stolen\nCMD [\"true\"]\n", "", 404)]
    [InlineData("FROM busybox AS a\nFROM a\nCOPY --from={victimImage} /bin/busybox /stolen\n", "", 404)]
    [InlineData("# escape=`\nFROM busybox\nFROM `\n  {victimImage}\n", "", 404)]
    [InlineData("from busybox\n# a comment inside\nFROM \\\n# hidden\n {victimImage}\n", "", 404)]
    [InlineData("FROM sdock-never-built-base:latest\n", "", 403)]
    [InlineData("FROM $UNSET\n", "", 400)]
    [InlineData("FROM ${BASE/busy/box}\n", "", 400)]
    public async Task Build_DockerfileReadsAnImageTheScopeMayNotRun_RefusedBeforeTheEngineSeesIt(string dockerfile, string extra, int status)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var own = NewTag();
        var text = dockerfile.Replace("{victimImage}", t.VictimImage, StringComparison.Ordinal);
        var query = $"?t={Uri.EscapeDataString(own)}" + extra.Replace("{victimImageJson}", Uri.EscapeDataString(t.VictimImage), StringComparison.Ordinal);

        var response = await BuildAsync(t.Attacker, query, "application/x-tar", Context(text), ct);

        Assert.True(response.Status == status, response.ToString());
        Assert.Null(await ImageIdAsync(own, ct));
    }

    [Theory(Timeout = 120000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Build_MultiStageFromAllowedImages_PlainOrGzip_Built(bool gzip)
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var own = NewTag();
        var context = Context("ARG BASE=busybox\nFROM ${BASE} AS base\nFROM scratch\nCOPY --from=base /bin/busybox /busybox\nCOPY --from=0 /bin/busybox /again\nCMD [\"/busybox\", \"true\"]\n");
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(context);
            }

            context = compressed.ToArray();
        }

        try
        {
            var response = await BuildAsync(t.Attacker, $"?t={Uri.EscapeDataString(own)}", "application/x-tar", context, ct);

            Assert.True(response.Status == 200, response.ToString());
            Assert.DoesNotContain("errorDetail", response.Body, StringComparison.Ordinal);
            Assert.NotNull(await ImageIdAsync(own, ct));
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", own);
        }
    }

    [Fact(Timeout = 120000)]
    public async Task Build_SameStepsAsAnotherScopesImage_NotServedFromThatScopesCache()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var own = NewTag();
        try
        {
            // The victim's image was built from exactly these lines (Tenants): a shared cache would reuse its steps.
            var response = await BuildAsync(t.Attacker, $"?t={Uri.EscapeDataString(own)}", "application/x-tar", Context("FROM busybox\nCMD [\"echo\", \"victim\"]\n"), ct);

            Assert.True(response.Status == 200, response.ToString());
            Assert.DoesNotContain("Using cache", response.Body, StringComparison.Ordinal);
            Assert.NotEqual(await ImageIdAsync(t.VictimImage, ct), await ImageIdAsync(own, ct));
        }
        finally
        {
            await DockerCli.RunAsync(CancellationToken.None, "rmi", "-f", own);
        }
    }

    [Fact(Timeout = 60000)]
    public async Task Build_ContextCompressedWithBzip2_400NamingTheCompression()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);

        var response = await BuildAsync(t.Attacker, $"?t={Uri.EscapeDataString(NewTag())}", "application/x-tar", [.. "BZh91AY&SY"u8.ToArray(), .. new byte[64]], ct);

        Assert.True(response.Status == 400, response.ToString());
        Assert.Contains("bzip2", response.Body, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60000)]
    public async Task ArchiveUpload_FormEncodedBody_400NamingTheContentType()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await environment.GetTenantsAsync(ct);
        var body = Encoding.ASCII.GetBytes("path=%2Fetc&noOverwriteDirNonDir=0");
        var head = $"PUT /v1.41/containers/{t.AttackerContainer}/archive?path=%2Ftmp HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {body.Length}\r\n\r\n";

        var response = RawHttp.Parse(await RawHttp.ExchangeAsync(t.Attacker.SocketPath, [.. Encoding.ASCII.GetBytes(head), .. body], ct));

        Assert.True(response.Status == 400, response.ToString());
        Assert.Contains("application/x-www-form-urlencoded", response.Body, StringComparison.Ordinal);
    }
}
