using Microsoft.Playwright;

namespace ServerlessDocker.VotingApp.IntegrationTests;

/// <summary>A person in Debian's chromium (Microsoft.Playwright, no downloaded browser): vote, then watch the results.</summary>
public sealed class BrowserTests(VotingAppFixture app)
{
    private const string Chromium = "/usr/bin/chromium";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180000)]
    public async Task VoteInTheBrowser_ResultPageCountGoesUp()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run tests/ServerlessDocker.VotingApp.IntegrationTests/setup");
        var before = await Voter.CountsAsync(app.BaseAddress, Ct);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 640 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(app.BaseAddress, "/vote").ToString());
        await Assertions.Expect(page.Locator("button[value=a]")).ToHaveTextAsync("Cats");
        await page.ClickAsync("button[value=b]");
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("You voted for Dogs", new() { Timeout = 30000 });
        await Assertions.Expect(page.Locator("button.chosen")).ToHaveAttributeAsync("value", "b");
        var cookies = await context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "voter_id" && c.HttpOnly);
        await ScreenshotAsync(page, "voting-app-vote.png");

        await page.GotoAsync(new Uri(app.BaseAddress, "/result").ToString());
        // The page refreshes itself: the new vote shows up without a click once record-vote has stored it.
        await Assertions.Expect(page.Locator("#count-b")).ToHaveTextAsync((before.B + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 30000 });
        await Assertions.Expect(page.Locator("#count-a")).ToHaveTextAsync(before.A.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ScreenshotAsync(page, "voting-app-result.png");
    }

    // SDOCK_VOTING_SCREENSHOTS=$PWD/docs keeps them (the README's pictures); otherwise they go to a temporary file.
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("SDOCK_VOTING_SCREENSHOTS");
        var path = Path.Combine(directory ?? Path.GetTempPath(), directory is null ? $"{Guid.NewGuid():N}-{name}" : name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"the screenshot {name} is suspiciously small");
        if (directory is null)
        {
            File.Delete(path);
        }
    }
}
