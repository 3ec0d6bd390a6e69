using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Tests.Dashboard;

/// <summary>The dashboard over HTTP on the test server: authorization, anti-forgery, tenancy, encoding and headers.</summary>
public sealed partial class DashboardRoutesTests
{
    private const string Prefix = DashboardTestHost.Prefix;
    private static readonly Dictionary<string, string> Admin = DashboardTestHost.Identity("ada", "acme", [.. PhoneHubPermissions.All]);

    [Test]
    public async Task Get_Anonymous_IsChallenged()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);

        var response = await host.Client(null).GetAsync(new Uri(Prefix + "/messages", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Root_CallerWithoutAnyPermission_Answers403AndShowsNoArea()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);

        var response = await host.Client(DashboardTestHost.Identity("eve", "acme")).GetAsync(new Uri(Prefix + "/", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("hold no PhoneHub permission"));
        Assert.That(html, Does.Not.Contain("href=\"/phonehub/messages\""));
    }

    [TestCase("/messages", PhoneHubPermissions.ManagePhoneConfig)]
    [TestCase("/send", PhoneHubPermissions.ViewSms)]
    [TestCase("/configs", PhoneHubPermissions.ManageSms)]
    [TestCase("/lookup", PhoneHubPermissions.ViewSms)]
    public async Task Page_CallerWithoutItsPermission_Answers403(string path, string heldInstead)
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);

        var response = await host.Client(DashboardTestHost.Identity("eve", "acme", heldInstead)).GetAsync(new Uri(Prefix + path, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("This page needs the"));
    }

    [Test]
    public async Task SendPost_WithItsToken_SendsAndRedirectsToTheMessage()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        await host.CreateTestConfigAsync("acme");
        var client = host.Client(Admin);
        var form = await FormAsync(client, "/send");

        var response = await client.SendAsync(form.Post("/send", new() { ["to"] = "+14155552671", ["body"] = "Hello", ["action"] = "send" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(response.Headers.Location!.ToString(), Does.Match("^/phonehub/messages/\\d+\\?sent=1$"));
        var sent = await host.Hub.Messages.ListAsync(new SmsQuery { Group = "acme" });
        Assert.That(sent.Items.Select(m => m.Body), Is.EqualTo(new[] { "Hello" }));
    }

    [Test]
    public async Task SendPost_WithoutToken_Answers400AndSendsNothing()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        await host.CreateTestConfigAsync("acme");
        var client = host.Client(Admin);
        var form = await FormAsync(client, "/send");

        var response = await client.SendAsync(form.Post("/send", new() { ["to"] = "+14155552671", ["body"] = "Hello", ["action"] = "send" }, withToken: false));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Form refused"));
        Assert.That((await host.Hub.Messages.ListAsync(new SmsQuery { Group = "acme" })).Items, Is.Empty);
        Assert.That(host.Logs.AllText, Does.Contain("refused: no valid anti-forgery token"));
    }

    [Test]
    public async Task CredentialsPost_TokenIssuedToAnotherUser_IsRefused()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        var config = await host.CreateTestConfigAsync("acme");
        var mallory = host.Client(DashboardTestHost.Identity("mallory", "acme", PhoneHubPermissions.ManagePhoneConfig));
        var stolen = await FormAsync(mallory, "/configs/" + config.Id);

        // Ada's browser posting a form whose token was issued to another signed-in user (a cross-site post).
        var ada = host.Client(Admin);
        var response = await ada.SendAsync(stolen.Post("/configs/" + config.Id + "/activate", []));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Post_NotAForm_Answers400()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);

        var response = await host.Client(Admin).PostAsync(new Uri(Prefix + "/send", UriKind.Relative), new StringContent("{\"to\":\"+14155552671\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task ConfigPage_AnotherGroupsConfig_Answers404AndSystemDefaultWithoutManageGroups403()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        var theirs = await host.CreateTestConfigAsync("globex", "Globex secret plans");
        var systemDefault = await host.CreateTestConfigAsync(null, "System");
        var client = host.Client(DashboardTestHost.Identity("ada", "acme", PhoneHubPermissions.ManagePhoneConfig));

        var other = await client.GetAsync(new Uri(Prefix + "/configs/" + theirs.Id, UriKind.Relative));
        var system = await client.GetAsync(new Uri(Prefix + "/configs/" + systemDefault.Id, UriKind.Relative));
        var list = await client.GetStringAsync(new Uri(Prefix + "/configs", UriKind.Relative));

        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await other.Content.ReadAsStringAsync(), Does.Not.Contain("Globex"));
        Assert.That(system.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(list, Does.Not.Contain("Globex").And.Not.Contain("System"));
    }

    [Test]
    public async Task ConfigPages_WithStoredCredentials_NeverContainTheSecret()
    {
        const string secret = "ZX-very-secret-api-key-secret-7781";
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        var config = (await host.Hub.Configs.CreateAsync(new PhoneConfig
        {
            Group = "acme",
            Name = "Twilio",
            Provider = PhoneProviders.Twilio,
            TestMode = true,
            Settings = new Dictionary<string, string> { ["from_number"] = "+14155550123" },
        })).Config;
        await host.Hub.Configs.SetCredentialsAsync(config.Id, new ProviderCredentials(new Dictionary<string, string?>
        {
            [ProviderCredentials.TwilioAccountSid] = "AC0123456789abcdef0123456789abcdef",
            [ProviderCredentials.TwilioApiKeySid] = "SK0123456789abcdef0123456789abcdef",
            [ProviderCredentials.TwilioApiKeySecret] = secret,
        }));
        var client = host.Client(Admin);
        var form = await FormAsync(client, "/configs/" + config.Id);

        var pages = new List<string>
        {
            await client.GetStringAsync(new Uri(Prefix + "/configs", UriKind.Relative)),
            await client.GetStringAsync(new Uri(Prefix + "/configs/" + config.Id, UriKind.Relative)),
            await (await client.SendAsync(form.Post("/configs/" + config.Id + "/test", []))).Content.ReadAsStringAsync(),
            // A refused credentials form is rendered again without the values typed.
            await (await client.SendAsync(form.Post("/configs/" + config.Id + "/credentials", new() { ["credential.api_key_secret"] = secret, ["credential.bogus"] = "x" }))).Content.ReadAsStringAsync(),
        };

        foreach (var page in pages)
        {
            Assert.That(page, Does.Not.Contain(secret));
        }

        Assert.That(pages[1], Does.Contain("stored (encrypted, never shown)"));
    }

    [Test]
    public async Task MessagePages_BodyWithMarkup_IsShownAsText()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        var message = await host.SeedMessageAsync("acme", "<script>alert('x')</script><img src=x onerror=alert(1)>");
        var client = host.Client(Admin);

        var list = await client.GetStringAsync(new Uri(Prefix + "/messages", UriKind.Relative));
        var detail = await client.GetStringAsync(new Uri(Prefix + "/messages/" + message.Id, UriKind.Relative));

        foreach (var html in new[] { list, detail })
        {
            Assert.That(html, Does.Not.Contain("<script>alert").And.Not.Contain("<img src=x"));
            Assert.That(html, Does.Contain("&lt;script&gt;"));
        }
    }

    [Test]
    public async Task Pages_CarrySecurityHeadersAndAssetsAreEmbedded()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        var client = host.Client(Admin);

        var page = await client.GetAsync(new Uri(Prefix + "/messages", UriKind.Relative));
        var css = await client.GetAsync(new Uri(Prefix + "/assets/dashboard.css", UriKind.Relative));
        var js = await client.GetAsync(new Uri(Prefix + "/assets/dashboard.js", UriKind.Relative));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(Prefix + "/assets/dashboard.css", UriKind.Relative));
        again.Headers.TryAddWithoutValidation("If-None-Match", css.Headers.ETag!.ToString());
        var revalidated = await client.SendAsync(again);

        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.That(csp, Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("frame-ancestors 'none'"));
        Assert.That(page.Headers.CacheControl!.NoStore, Is.True);
        Assert.That(page.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        var html = await page.Content.ReadAsStringAsync();
        // Nothing from another origin, and no inline script for the policy to block.
        Assert.That(UrlAttribute().Matches(html).Select(m => m.Groups[1].Value), Has.All.StartsWith("/phonehub/").Or.StartsWith("?").Or.EqualTo("/phonehub"));
        Assert.That(html, Does.Not.Contain("<script>").And.Not.Contain("style=\""));
        Assert.That(css.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/css"));
        Assert.That(await css.Content.ReadAsStringAsync(), Does.Contain("nav.side"));
        Assert.That(js.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/javascript"));
        Assert.That(revalidated.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [TestCase("", 1, "GSM-7")]
    [TestCase("160", 1, "GSM-7")]
    [TestCase("161", 2, "GSM-7")]
    [TestCase("70u", 1, "UCS-2")]
    [TestCase("71u", 2, "UCS-2")]
    [TestCase("euro80", 1, "GSM-7")]
    [TestCase("euro81", 2, "GSM-7")]
    public async Task Preview_Body_CountsAsCoreRecordsItAndEstimatesFromRecentPrices(string shape, int segments, string encoding)
    {
        var body = shape switch
        {
            "" => "",
            "160" => new string('a', 160),
            "161" => new string('a', 161),
            "70u" => new string('Ж', 70),
            "71u" => new string('Ж', 71),
            "euro80" => new string('€', 80),   // extension characters take two septets
            "euro81" => new string('€', 81),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);
        await host.SeedMessageAsync("acme", "one segment, charged 0.0079 USD");
        await host.SeedMessageAsync("acme", "another, charged the same");

        var json = JsonNode.Parse(await host.Client(Admin).GetStringAsync(new Uri(Prefix + "/send/preview?body=" + Uri.EscapeDataString(body), UriKind.Relative)))!;

        Assert.That((int)json["segments"]!, Is.EqualTo(segments));
        Assert.That((int)json["segments"]!, Is.EqualTo(SmsEncoding.CountSegments(body)));
        Assert.That((string?)json["encoding"], Is.EqualTo(encoding));
        Assert.That((decimal)json["estimated_price"]!, Is.EqualTo(0.0079m * segments));
        Assert.That((string?)json["price_unit"], Is.EqualTo("USD"));
    }

    [Test]
    public async Task Preview_NoPricedMessage_SaysNoPriceIsKnown()
    {
        await using var host = await DashboardTestHost.StartAsync(kestrel: false);

        var json = JsonNode.Parse(await host.Client(Admin).GetStringAsync(new Uri(Prefix + "/send/preview?body=hi", UriKind.Relative)))!;

        Assert.That(json["estimated_price"], Is.Null);
        Assert.That((string?)json["summary"], Does.Contain("no price known yet"));
    }

    [Test]
    public async Task MapPhoneHubDashboard_WithoutAddAspNetCore_SaysWhatToAdd()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapPhoneHubDashboard());

        Assert.That(error!.Message, Does.Contain("AddPhoneHub(...).AddAspNetCore()"));
    }

    [Test]
    public async Task MapPhoneHubDashboard_AtTheRoot_LinksStayBelowTheRoot()
    {
        // Mounted at the site's root, as the sample host does.
        var database = Path.Combine(Path.GetTempPath(), "phonehub-dashboard-root-" + Guid.NewGuid().ToString("N") + ".db");
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(Rest.Infrastructure.TestAuthHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Rest.Infrastructure.TestAuthHandler>(Rest.Infrastructure.TestAuthHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null)
            .UseSqlite("Data Source=" + database)
            .AddAspNetCore();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPhoneHubDashboard("/");
        await app.StartAsync();
        var client = app.GetTestClient();
        foreach (var (name, value) in Admin)
        {
            client.DefaultRequestHeaders.Add(name, value);
        }

        var root = await client.GetAsync(new Uri("/", UriKind.Relative));
        var messages = await client.GetStringAsync(new Uri("/messages", UriKind.Relative));

        Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(root.Headers.Location!.ToString(), Is.EqualTo("/messages"));
        Assert.That(messages, Does.Contain("href=\"/assets/dashboard.css\"").And.Contain("href=\"/send\""));
        await app.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(database);
    }

    [GeneratedRegex("(?:href|src|action)=\"([^\"]*)\"")]
    private static partial Regex UrlAttribute();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>Opens a page as a browser would and keeps its form token and anti-forgery cookie.</summary>
    private static async Task<FormSession> FormAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(Prefix + path, UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        var html = await response.Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
        Assert.That(token, Is.Not.Empty, "the page's form carries a token");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Split(';')[0];
        return new FormSession(token, cookie);
    }

    private sealed record FormSession(string Token, string Cookie)
    {
        public HttpRequestMessage Post(string path, Dictionary<string, string> fields, bool withToken = true)
        {
            if (withToken)
            {
                fields["__RequestVerificationToken"] = Token;
            }

            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Prefix + path, UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("Cookie", Cookie);
            return request;
        }
    }
}
