using Microsoft.Playwright;
using ServerlessDocker.Gateway.Triggers.Cron;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>The dashboard's jobs: next run per job, last runs, run-now, a run's output, in a real browser (Debian's chromium).</summary>
public sealed class CronDashboardTests(EngineFixture engine) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _beat = "beat-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _report = "report-" + Guid.NewGuid().ToString("N")[..6];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var job in new[] { _beat, _report })
        {
            await DockerCli.RemoveAsync(await DockerCli.ContainerIdsAsync($"{JobRunNames.JobLabel}={job}", CancellationToken.None), CancellationToken.None);
        }
    }

    [Fact(Timeout = 120000)]
    public async Task Dashboard_ShowsJobsNextRunLastRunsAndARunsOutput()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run tests/ServerlessDocker.Gateway.IntegrationTests/setup (apt-get install -y chromium)");
        await using var gateway = await TestGateway.StartAsync(engine, $"""
            gateway:
              adminToken: dash-token
            jobs:
              {_beat}:
                schedule: "@every 2s"
                image: busybox
                args: [sh, -c, 'echo beat at $SDOCK_SCHEDULED_TIME']
              {_report}:
                schedule: "0 3 * * *"
                timeZone: Europe/Berlin
                image: busybox
                args: [sh, -c, 'echo report of $SDOCK_SCHEDULED_TIME; echo no data >&2; exit 3']
            """, cancellationToken: Ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(gateway.Host.BaseAddress, "/dashboard").ToString());
        Assert.False(await page.Locator("#jobs-section").IsVisibleAsync());
        await page.FillAsync("#token", "dash-token");
        await page.ClickAsync("#login button");

        var beat = page.Locator($"#jobs tbody tr[data-job={_beat}]");
        var report = page.Locator($"#jobs tbody tr[data-job={_report}]");
        await beat.WaitForAsync(new() { Timeout = 15000 });
        await Assertions.Expect(report.Locator("td.next-run")).ToContainTextAsync("T02:00:00Z (in ", new() { Timeout = 5000 });
        await Assertions.Expect(beat.Locator("td.next-run")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"Z \(in [0-2] s\)$"));

        // Live: the every-2s job's runs appear in its last runs without a reload.
        await Assertions.Expect(beat.Locator("td.last-runs")).ToContainTextAsync("succeeded", new() { Timeout = 20000 });

        // Run now, then the job's runs and the failed run's output.
        await report.Locator("button.run-now").ClickAsync();
        await Assertions.Expect(report.Locator("td.last-runs")).ToContainTextAsync("failed", new() { Timeout = 30000 });
        await report.ClickAsync();
        var runs = page.Locator("#job-runs tbody tr");
        await Assertions.Expect(page.Locator("#job-runs-name")).ToHaveTextAsync(_report, new() { Timeout = 5000 });
        await Assertions.Expect(runs.First.Locator("td.job-status")).ToHaveTextAsync("failed", new() { Timeout = 5000 });
        await runs.First.ClickAsync();
        await Assertions.Expect(page.Locator("#job-run-stdout")).ToContainTextAsync("report of 20", new() { Timeout = 5000 });
        await Assertions.Expect(page.Locator("#job-run-stderr")).ToContainTextAsync("no data");

        var shot = Environment.GetEnvironmentVariable("SDOCK_CRON_DASHBOARD_SCREENSHOT") ?? Path.Combine(Path.GetTempPath(), $"sdock-cron-dashboard-{Guid.NewGuid():N}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is suspiciously small");
        if (Environment.GetEnvironmentVariable("SDOCK_CRON_DASHBOARD_SCREENSHOT") is null)
        {
            File.Delete(shot);
        }
    }
}
