using Microsoft.Playwright;

namespace PhoneHub.AspNetCore.Tests.Dashboard;

/// <summary>
/// Debian's Chromium, driven by Playwright through <c>ExecutablePath</c> (no browser is ever downloaded), headless, with
/// a fresh profile and every background network feature off, so a test run talks only to its own loopback host.
/// Missing Chromium marks a test ignored with the reason, except under CI (<c>CI=true</c>), where it fails: CI must run them.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where Debian's <c>chromium</c> package installs the browser.</summary>
    public static readonly string[] KnownPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private HeadlessChromium(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    /// <summary>The folder the run's screenshots go to: <c>dashboard-screenshots/</c> in the test output folder.</summary>
    public static string ScreenshotFolder => Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-screenshots");

    /// <summary>Whether the tests run under CI, where browser tests must run rather than be skipped.</summary>
    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var executable = KnownPaths.FirstOrDefault(File.Exists);
        if (executable is null)
        {
            var reason = $"Chromium is not installed (looked for {string.Join(", ", KnownPaths)}); install Debian's 'chromium' package (.ci/run does).";
            if (IsCi)
            {
                Assert.Fail(reason + " CI must run the dashboard's browser tests.");
            }

            Assert.Ignore(reason);
        }

        var profile = Path.Combine(Path.GetTempPath(), "phonehub-chromium", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var playwright = await Playwright.CreateAsync();
        try
        {
            // A persistent context is how Playwright takes a user-data-dir of our choosing: a fresh, empty one per run.
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Arguments,
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
                Locale = "en-US",
                TimezoneId = "UTC",
            });
            context.SetDefaultTimeout(20_000);
            return new HeadlessChromium(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new tab whose requests carry <paramref name="identity"/>'s sign-in headers.</summary>
    public async Task<IPage> PageAsync(IReadOnlyDictionary<string, string> identity)
    {
        var page = await Context.NewPageAsync();
        await page.SetExtraHTTPHeadersAsync(identity);
        return page;
    }

    /// <summary>Saves a full-page screenshot as <c>{name}.png</c> in <see cref="ScreenshotFolder"/> and attaches it to the test.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a lock file for a moment; the OS cleans the temp folder.
        }
    }
}
