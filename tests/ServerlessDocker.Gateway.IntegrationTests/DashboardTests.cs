using Microsoft.Playwright;

namespace ServerlessDocker.Gateway.IntegrationTests;

/// <summary>The dashboard in a real browser: Debian's chromium driven by Microsoft.Playwright (no downloaded browsers).</summary>
public sealed class DashboardTests(EngineFixture engine)
{
    private const string Chromium = "/usr/bin/chromium";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120000)]
    public async Task Dashboard_TokenEntered_ShowsFunctionsAndCallsLive()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run tests/ServerlessDocker.Gateway.IntegrationTests/setup (apt-get install -y chromium)");
        await using var gateway = await TestGateway.StartAsync(engine, $"""
            gateway:
              adminToken: dash-token
            functions:
              hello:
                image: {EngineFixture.CgiImage}
                route: /hello
              report:
                image: {EngineFixture.CgiImage}
                mode: plain
                args: [plain-fail]
            """, cancellationToken: Ct);
        (await gateway.Client.GetAsync("/hello/stderr", Ct)).Dispose();
        (await gateway.Client.GetAsync("/function/report", Ct)).Dispose();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(gateway.Host.BaseAddress, "/dashboard").ToString());

        // Before the token: nothing listed.
        Assert.Equal(0, await page.Locator("#functions tbody tr").CountAsync());
        await page.FillAsync("#token", "dash-token");
        await page.ClickAsync("#login button");

        await page.Locator("#functions tbody tr[data-function=hello]").WaitForAsync(new() { Timeout = 15000 });
        Assert.Equal(2, await page.Locator("#functions tbody tr").CountAsync());
        var calls = page.Locator("#calls tbody tr");
        await Assertions.Expect(calls).ToHaveCountAsync(2, new() { Timeout = 15000 });
        await Assertions.Expect(calls.Filter(new() { HasText = "report" }).Locator("td.status")).ToHaveTextAsync("500");

        // Live: a new call shows up without reloading the page.
        (await gateway.Client.GetAsync("/hello/status", Ct)).Dispose();
        await Assertions.Expect(calls).ToHaveCountAsync(3, new() { Timeout = 15000 });
        await Assertions.Expect(calls.First.Locator("td.status")).ToHaveTextAsync("418");

        // A click shows the call's logs (the function's stderr).
        await calls.Filter(new() { HasText = "/hello/stderr" }).ClickAsync();
        await Assertions.Expect(page.Locator("#detail-logs")).ToContainTextAsync("this line goes to the log", new() { Timeout = 15000 });

        var shot = Environment.GetEnvironmentVariable("SDOCK_DASHBOARD_SCREENSHOT") ?? Path.Combine(Path.GetTempPath(), $"sdock-dashboard-{Guid.NewGuid():N}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is suspiciously small");
        if (Environment.GetEnvironmentVariable("SDOCK_DASHBOARD_SCREENSHOT") is null)
        {
            File.Delete(shot);
        }
    }
}
