using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Tests.Dashboard;

/// <summary>The reports page over HTTP, on a fixed clock: what it counts per day, status and currency, and for whom.</summary>
public sealed class ReportPagesTests
{
    private const string Prefix = DashboardTestHost.Prefix;
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Viewer = DashboardTestHost.Identity("ada", "acme", PhoneHubPermissions.ViewSms);

    [Test]
    public async Task Reports_MessagesOfThePeriod_AreCountedPerDayAndStatusForTheCallersGroupOnly()
    {
        await using var host = await StartAsync();
        var store = host.App.Services.GetRequiredService<ISmsStore>();
        await SeedAsync(store, "acme", Now, SmsStatus.Delivered, -0.0079m, "USD");
        await SeedAsync(store, "acme", Now.AddHours(-3), SmsStatus.Read, -0.0079m, "USD");
        await SeedAsync(store, "acme", Now, SmsStatus.Failed, null, null);
        await SeedAsync(store, "acme", Now.AddDays(-2), SmsStatus.Sent, -0.0158m, "USD", segments: 2);
        await SeedAsync(store, "acme", Now.AddDays(-1), SmsStatus.Delivered, -0.05m, "EUR");
        await SeedAsync(store, "acme", Now.AddDays(-10), SmsStatus.Delivered, -0.0079m, "USD");
        await SeedAsync(store, "globex", Now, SmsStatus.Delivered, -1m, "USD");
        await SeedAsync(store, "globex", Now, SmsStatus.Delivered, -1m, "USD");

        var response = await host.Client(Viewer).GetAsync(new Uri(Prefix + "/reports?days=7", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Bar(html, "2026-03-10", "delivered"), Is.EqualTo(2), "delivered and read count as delivered");
        Assert.That(Bar(html, "2026-03-10", "failed"), Is.EqualTo(1));
        Assert.That(Bar(html, "2026-03-08", "sent"), Is.EqualTo(1));
        Assert.That(Bar(html, "2026-03-09", "delivered"), Is.EqualTo(1));
        Assert.That(html, Does.Not.Contain("data-day=\"2026-02-28\""), "ten days ago is outside the period");
        Assert.That(Regex.Count(html, "<tr data-day="), Is.EqualTo(7), "one row per day, also for days without messages");
        Assert.That(Total(html, "messages"), Is.EqualTo("5"), "globex's messages are not acme's");
        Assert.That(Total(html, "failed"), Is.EqualTo("1"));
        Assert.That(Total(html, "segments"), Is.EqualTo("6"));
        // Spend is charted in the currency most messages were charged in (not the largest sum: EUR and USD do not add up), as positive amounts; the other currency is listed.
        Assert.That(Total(html, "spend"), Is.EqualTo("0.0316 USD"));
        Assert.That(html, Does.Contain("data-day=\"2026-03-08\" data-value=\"0.0158\""));
        Assert.That(html, Does.Contain("other currencies (not charted): 0.05 EUR"));
    }

    [Test]
    public async Task Reports_LongerPeriod_IncludesOlderDays()
    {
        await using var host = await StartAsync();
        var store = host.App.Services.GetRequiredService<ISmsStore>();
        await SeedAsync(store, "acme", Now.AddDays(-10), SmsStatus.Canceled, null, null);
        await SeedAsync(store, "acme", Now.AddDays(-29), SmsStatus.Queued, null, null);
        await SeedAsync(store, "acme", Now.AddDays(-30), SmsStatus.Delivered, null, null);

        var html = await host.Client(Viewer).GetStringAsync(new Uri(Prefix + "/reports?days=30", UriKind.Relative));

        Assert.That(Bar(html, "2026-02-28", "canceled"), Is.EqualTo(1));
        Assert.That(Bar(html, "2026-02-09", "waiting"), Is.EqualTo(1));
        Assert.That(Total(html, "messages"), Is.EqualTo("2"), "day 31 back is outside");
        Assert.That(Total(html, "spend"), Is.EqualTo("—"));
        Assert.That(html, Does.Contain("No message of the period has a price yet"));
    }

    [TestCase("8")]
    [TestCase("-7")]
    [TestCase("seven")]
    public async Task Reports_PeriodNotOffered_Answers400(string days)
    {
        await using var host = await StartAsync();

        var response = await host.Client(Viewer).GetAsync(new Uri(Prefix + "/reports?days=" + days, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("The period must be one of 7, 14, 30, 90 days."));
    }

    [Test]
    public async Task Reports_CallerWithoutViewSms_Answers403()
    {
        await using var host = await StartAsync();

        var response = await host.Client(DashboardTestHost.Identity("eve", "acme", PhoneHubPermissions.ManagePhoneConfig))
            .GetAsync(new Uri(Prefix + "/reports", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private static Task<DashboardTestHost> StartAsync() =>
        DashboardTestHost.StartAsync(kestrel: false, b => b.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FakeTimeProvider(Now))));

    private static Task<SmsMessage> SeedAsync(ISmsStore store, string group, DateTimeOffset created, SmsStatus status, decimal? price, string? unit, int segments = 1) =>
        store.InsertAsync(new SmsMessage
        {
            Group = group,
            To = "+14155552671",
            Body = "report",
            Status = status,
            Segments = segments,
            Price = price,
            PriceUnit = unit,
            Created = created,
            Modified = created,
        });

    private static int? Bar(string html, string day, string category)
    {
        var match = Regex.Match(html, $"<rect class=\"bar {category}\"[^>]*data-day=\"{day}\" data-category=\"{category}\" data-count=\"(\\d+)\"");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static string Total(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"data-total=\"{name}\">([^<]*)<").Groups[1].Value);
}
