using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Configuration;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: headless Chromium against the dashboard on Kestrel (loopback only). Each test saves
/// screenshots of the pages it visits to <c>dashboard-screenshots/</c> in the test output folder (also attached to the
/// test result).
/// </summary>
[NonParallelizable]
public sealed class DashboardBrowserTests
{
    private const string GroupA = "acme";
    private const string GroupB = "globex";

    private static readonly IReadOnlyDictionary<string, string> Operator = DashboardTestHost.Identity("ada", GroupA, [.. PhoneHubPermissions.All]);

    private DashboardTestHost _host = null!;
    private HeadlessChromium _browser = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _browser = await HeadlessChromium.LaunchAsync();
        _host = await DashboardTestHost.StartAsync(kestrel: true);
        await _host.CreateTestConfigAsync(GroupA, "Acme test");
        await _host.CreateTestConfigAsync(GroupB, "Globex test");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private string Url(string relative = "") => new Uri(_host.Root, relative).ToString();

    [Test]
    public async Task Root_SignedInOperator_OpensTheMessagesPageWithEveryArea()
    {
        await _host.SeedMessageAsync(GroupA, "Your table for two is booked for 19:30.");
        var page = await _browser.PageAsync(Operator);

        var response = await page.GotoAsync(Url());

        Assert.That(response!.Status, Is.EqualTo(200));
        Assert.That(page.Url, Does.EndWith(DashboardTestHost.Prefix + "/messages"));
        Assert.That(await page.Locator("h1").InnerTextAsync(), Is.EqualTo("Messages"));
        var nav = await page.Locator("nav.side a").AllInnerTextsAsync();
        Assert.That(nav, Is.EqualTo(new[] { "Messages", "Send", "Batches", "Reports", "Lookup", "Configs" }));
        // The embedded style sheet applied: the navigation is a styled column, not a bulleted list.
        Assert.That(await page.Locator("nav.side ul").EvaluateAsync<string>("e => getComputedStyle(e).listStyleType"), Is.EqualTo("none"));
        await AssertFitsTheWindowAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, "01-messages");
    }

    [Test]
    public async Task SendForm_TwoSegmentMessage_PreviewsLiveAndAppearsInTheListWithItsSegments()
    {
        var page = await _browser.PageAsync(Operator);
        await page.GotoAsync(Url("send"));
        var body = "Reminder: " + new string('x', 150) + " END";   // 164 GSM-7 characters: 2 segments

        await page.FillAsync("input[name=to]", "(415) 555-2671");
        await page.FillAsync("textarea[name=body]", body);

        // The script asks the server for the preview while typing.
        var preview = page.Locator("output[data-preview]");
        await Assertions.Expect(preview).ToHaveAttributeAsync("data-segments", "2");
        Assert.That(await preview.InnerTextAsync(), Does.Contain("GSM-7").And.Contain("2 segments"));
        await HeadlessChromium.ScreenshotAsync(page, "02-send");

        await page.ClickAsync("button[value=send]");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(new Regex("^Message \\d+$"));
        Assert.That(await page.Locator("dl.facts").InnerTextAsync(), Does.Contain("+14155552671"));
        await HeadlessChromium.ScreenshotAsync(page, "03-message-detail");
        var id = (await page.Locator("h1").InnerTextAsync())["Message ".Length..];

        await page.GotoAsync(Url("messages?number=%2B14155552671"));
        var row = page.Locator($"tr[data-message-id='{id}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        Assert.That(await row.Locator("td[data-segments]").InnerTextAsync(), Is.EqualTo("2"));
        Assert.That(await row.Locator(".status").InnerTextAsync(), Is.EqualTo("sent"));

        var stored = await _host.Hub.Messages.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(stored!.Segments, Is.EqualTo(2));
        Assert.That(stored.Body, Is.EqualTo(body));
        Assert.That(stored.Group, Is.EqualTo(GroupA));
        Assert.That(stored.User, Is.EqualTo("ada"));
    }

    [Test]
    public async Task ConfigCredentials_SetThroughTheForm_AreStoredAndNeverShown()
    {
        const string authToken = "9f2c4e7a1b3d5f60Secret0TokenValue";
        const string accountSid = "AC0123456789abcdef0123456789abcdef";
        var page = await _browser.PageAsync(Operator);

        await page.GotoAsync(Url("configs/new"));
        await page.FillAsync("input[name=name]", "Acme Twilio");
        await page.SelectOptionAsync("select[name=provider]", PhoneProviders.Twilio);
        await page.FillAsync("input[name='setting.twilio.from_number']", "+14155550123");
        await HeadlessChromium.ScreenshotAsync(page, "04-config-new");
        await page.ClickAsync("form.config button[type=submit]");

        await Assertions.Expect(page.Locator(".notice.ok")).ToHaveTextAsync("Config created.");
        Assert.That(await page.Locator("dl.facts").InnerTextAsync(), Does.Contain("none stored"));
        await page.FillAsync("input[name='credential.account_sid']", accountSid);
        await page.FillAsync("input[name='credential.auth_token']", authToken);
        await page.ClickAsync("form.credentials button[type=submit]");

        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Credentials stored");
        Assert.That(await page.Locator("dl.facts").InnerTextAsync(), Does.Contain("stored (encrypted, never shown)"));
        foreach (var input in await page.Locator("form.credentials input[type=password]").AllAsync())
        {
            Assert.That(await input.InputValueAsync(), Is.Empty, "credential inputs start empty");
        }

        await HeadlessChromium.ScreenshotAsync(page, "05-config-credentials");
        var configPage = page.Url;
        var config = (await _host.Hub.Configs.ListAsync(new Stores.PhoneConfigQuery { Group = GroupA })).Single(c => c.Name == "Acme Twilio");
        Assert.That(config.HasCredentials, Is.True);
        Assert.That(config.Setting(Providers.Twilio.TwilioDefinition.AccountSid), Is.EqualTo(accountSid), "the account SID is not a secret: kept as a setting");

        // Not in any page the operator can open, nor in anything the browser received for them.
        foreach (var url in new[] { configPage, Url("configs"), Url("messages"), Url("send"), Url("batches"), Url("lookup") })
        {
            await page.GotoAsync(url);
            Assert.That(await page.ContentAsync(), Does.Not.Contain(authToken), url);
        }

        await page.GotoAsync(Url("configs"));
        await HeadlessChromium.ScreenshotAsync(page, "06-configs");
        Assert.That(_host.Logs.AllText, Does.Not.Contain(authToken), "nor in the log");
    }

    [Test]
    public async Task Messages_UserOfGroupA_NeverSeesGroupBMessages()
    {
        var mine = await _host.SeedMessageAsync(GroupA, "Acme: your parcel is on its way");
        var theirs = await _host.SeedMessageAsync(GroupB, "Globex: confidential quarterly numbers");
        var page = await _browser.PageAsync(DashboardTestHost.Identity("ada", GroupA, PhoneHubPermissions.ViewSms));

        await page.GotoAsync(Url("messages"));
        var content = await page.ContentAsync();
        Assert.That(content, Does.Contain("Acme: your parcel is on its way"));
        Assert.That(content, Does.Not.Contain("Globex"));

        // Opening the other group's message by id answers exactly like a missing one.
        var response = await page.GotoAsync(Url("messages/" + theirs.Id));
        Assert.That(response!.Status, Is.EqualTo(404));
        Assert.That(await page.ContentAsync(), Does.Not.Contain("confidential"));
        var missing = await page.GotoAsync(Url("messages/999999"));
        Assert.That(missing!.Status, Is.EqualTo(404));
        Assert.That(await (await page.GotoAsync(Url("messages/" + mine.Id)))!.TextAsync(), Does.Contain("Acme: your parcel"));

        // A viewer sees only the pages its permission opens.
        Assert.That(await page.Locator("nav.side a").AllInnerTextsAsync(), Is.EqualTo(new[] { "Messages", "Batches", "Reports" }));

        var other = await _browser.PageAsync(DashboardTestHost.Identity("bob", GroupB, PhoneHubPermissions.ViewSms));
        await other.GotoAsync(Url("messages"));
        Assert.That(await other.ContentAsync(), Does.Contain("confidential quarterly").And.Not.Contain("Acme"));
        await HeadlessChromium.ScreenshotAsync(other, "07-messages-group-b");
    }

    [Test]
    public async Task SendForm_PostedWithoutItsAntiForgeryToken_IsRefusedAndSendsNothing()
    {
        var page = await _browser.PageAsync(Operator);
        await page.GotoAsync(Url("send"));
        await page.FillAsync("input[name=to]", "+14155552672");
        await page.FillAsync("textarea[name=body]", "This must never be sent");
        await page.EvalOnSelectorAsync("form.send input[name=__RequestVerificationToken]", "e => e.remove()");

        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[value=send]"), r => r.Request.Method == "POST");

        Assert.That(response.Status, Is.EqualTo(400));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Form refused");
        await HeadlessChromium.ScreenshotAsync(page, "08-form-refused");
        var sent = await _host.Hub.Messages.ListAsync(new Stores.SmsQuery { Group = GroupA, Number = "+14155552672" });
        Assert.That(sent.Items, Is.Empty);
    }

    [Test]
    public async Task Batch_EnqueuedFromTheForm_ShowsProgressUntilEveryMessageIsDispatched()
    {
        var page = await _browser.PageAsync(Operator);
        await page.GotoAsync(Url("batches"));
        await page.FillAsync("textarea[name=numbers]", "+14155552681\n+14155552682\nnot a number\n+14155552683");
        await page.FillAsync("form[method=post] textarea[name=body]", "Store closes at 6 today");
        await page.ClickAsync("form[method=post] button[type=submit]");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(new Regex("^Batch \\d+$"));
        Assert.That(await page.Locator("dl.facts").InnerTextAsync(), Does.Contain("Rejected rows\n1").Or.Contain("Rejected rows\t1"));

        // The background dispatcher sends them; the page's script follows without a reload.
        await Assertions.Expect(page.Locator("[data-summary]")).ToContainTextAsync("3 of 3 messages dispatched", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-count=queued]")).ToHaveTextAsync("0");
        await HeadlessChromium.ScreenshotAsync(page, "09-batch");

        await page.GotoAsync(Url("batches"));
        Assert.That(await page.Locator("table").InnerTextAsync(), Does.Contain("3/3"));
        await AssertFitsTheWindowAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, "10-batches");
    }

    [Test]
    public async Task Reports_GroupsMessages_DrawsTodaysBarsAndSpendAsInlineSvg()
    {
        var seeded = await _host.SeedMessageAsync(GroupA, "Report me: delivered and priced");
        await _host.SeedMessageAsync(GroupB, "Globex: not in acme's report");
        var page = await _browser.PageAsync(DashboardTestHost.Identity("ada", GroupA, PhoneHubPermissions.ViewSms));

        await page.GotoAsync(Url("reports?days=7"));

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Reports");
        // The seeded message's own day (within the last 7 even if midnight passes in between).
        var today = seeded.Created.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var delivered = page.Locator($"svg[data-chart=messages] rect[data-day='{today}'][data-category=delivered]");
        await Assertions.Expect(delivered).ToHaveCountAsync(1);
        // The bar is drawn (it has a height on the page) and colored by the style sheet, not left black.
        var box = await delivered.BoundingBoxAsync();
        Assert.That(box!.Height, Is.GreaterThan(10));
        Assert.That(await delivered.EvaluateAsync<string>("e => getComputedStyle(e).fill"), Is.Not.EqualTo("rgb(0, 0, 0)"));
        await Assertions.Expect(page.Locator($"svg[data-chart=spend] rect[data-day='{today}']")).ToHaveCountAsync(1);
        Assert.That(await page.ContentAsync(), Does.Not.Contain("Globex"));
        await AssertFitsTheWindowAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, "12-reports");
    }

    [Test]
    public async Task Lookup_Number_ShowsWhatIsKnown()
    {
        var page = await _browser.PageAsync(Operator);
        await page.GotoAsync(Url("lookup"));
        await page.FillAsync("input[name=number]", "+44 20 7946 0958");
        await page.ClickAsync("form button[type=submit]");

        var result = page.Locator(".lookup-result");
        await Assertions.Expect(result).ToContainTextAsync("+442079460958");
        Assert.That(await result.InnerTextAsync(), Does.Contain("GB"));
        await HeadlessChromium.ScreenshotAsync(page, "11-lookup");
    }

    /// <summary>The page does not scroll sideways: wide tables scroll inside their own box, the frame stays in the window.</summary>
    private static async Task AssertFitsTheWindowAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0), "the page is wider than the window");
    }
}
