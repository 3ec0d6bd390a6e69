using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers.Twilio;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

/// <summary>Twilio's inbound and status webhooks through a real host, signed the way Twilio signs.</summary>
public sealed class TwilioWebhookTests
{
    private const string InboundPath = WebhookTestHost.Prefix + "/sms/webhook/twilio";
    private const string StatusPath = WebhookTestHost.Prefix + "/sms/webhook/twilio/status";
    private const string TestServerBase = "http://localhost";

    private const string NumberA = "+14155550101";
    private const string NumberB = "+14155550202";
    private const string SidA = "AC00000000000000000000000000000a0a";
    private const string SidB = "AC00000000000000000000000000000b0b";
    private const string TokenA = "token-of-tenant-a-0123456789abcdef";
    private const string TokenB = "token-of-tenant-b-0123456789abcdef";

    internal static Dictionary<string, string> InboundForm(string sid, string to = NumberA, string body = "Hello & <world>", string? accountSid = null) => new()
    {
        ["MessageSid"] = sid,
        ["SmsMessageSid"] = sid,

        // Twilio names the account that owns the receiving number.
        ["AccountSid"] = accountSid ?? (to == NumberB ? SidB : SidA),
        ["From"] = "+14155550999",
        ["To"] = to,
        ["Body"] = body,
        ["NumMedia"] = "1",
        ["MediaUrl0"] = "https://api.twilio.com/media/ME1",
    };

    internal static HttpRequestMessage Signed(string url, IReadOnlyDictionary<string, string> form, string? token, string? pathAndQuery = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery ?? new Uri(url).PathAndQuery) { Content = new FormUrlEncodedContent(form) };
        if (token is not null)
        {
            request.Headers.Add(TwilioRequestValidator.SignatureHeader, TwilioRequestValidator.ComputeSignature(url, form, token));
        }

        return request;
    }

    private static async Task<WebhookTestHost> StartWithTenantsAsync(
        Action<PhoneHubOptions>? configureHub = null,
        bool forwardedHeaders = false,
        IInboundSmsHandler? handler = null)
    {
        var host = await WebhookTestHost.StartAsync(configureHub, forwardedHeaders: forwardedHeaders, handler: handler);
        await host.AddTwilioConfigAsync("group-a", NumberA, SidA, TokenA);
        await host.AddTwilioConfigAsync("group-b", NumberB, SidB, TokenB);
        return host;
    }

    [Test]
    public async Task Inbound_ValidSignature_StoresMessageInOwnersGroupAndAnswersEmptyTwiML()
    {
        await using var host = await StartWithTenantsAsync();
        var form = InboundForm("SM00000000000000000000000000000001");

        using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, form, TokenA));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/xml"));
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(xml.Root!.Name.LocalName, Is.EqualTo("Response"));
        Assert.That(xml.Root.HasElements, Is.False);

        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, "SM00000000000000000000000000000001");
        Assert.That(stored, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Group, Is.EqualTo("group-a"));
            Assert.That(stored.Direction, Is.EqualTo(SmsDirection.Inbound));
            Assert.That(stored.Body, Is.EqualTo("Hello & <world>"));
            Assert.That(stored.To, Is.EqualTo(NumberA));
            Assert.That(stored.MediaUrls, Is.EqualTo(new[] { "https://api.twilio.com/media/ME1" }));
        });
    }

    [Test]
    public async Task Inbound_TamperedBody_Forbidden()
    {
        await using var host = await StartWithTenantsAsync();
        var form = InboundForm("SM00000000000000000000000000000002");
        var request = Signed(TestServerBase + InboundPath, form, TokenA);
        form["Body"] = "Send money to +1900";
        request.Content = new FormUrlEncodedContent(form);

        await AssertForbiddenAsync(host, request);
        Assert.That(await host.CountRowsAsync(PhoneProviders.Twilio, "SM00000000000000000000000000000002"), Is.Zero);
    }

    [Test]
    public async Task Inbound_TamperedUrl_Forbidden()
    {
        await using var host = await StartWithTenantsAsync();
        var form = InboundForm("SM00000000000000000000000000000003");
        // Signed for one URL, delivered to another (an added query parameter).
        var request = Signed(TestServerBase + InboundPath, form, TokenA, pathAndQuery: InboundPath + "?tenant=b");

        await AssertForbiddenAsync(host, request);
    }

    [Test]
    public async Task Inbound_MissingSignatureHeader_Forbidden()
    {
        await using var host = await StartWithTenantsAsync();
        await AssertForbiddenAsync(host, Signed(TestServerBase + InboundPath, InboundForm("SM00000000000000000000000000000004"), token: null));
    }

    [Test]
    public async Task Inbound_SignedWithAnotherTenantsToken_Forbidden()
    {
        await using var host = await StartWithTenantsAsync();
        // Tenant B's valid token, but the message is addressed to tenant A's number: B must not inject into A.
        await AssertForbiddenAsync(host, Signed(TestServerBase + InboundPath, InboundForm("SM00000000000000000000000000000005"), TokenB));
        Assert.That(await host.CountRowsAsync(PhoneProviders.Twilio, "SM00000000000000000000000000000005"), Is.Zero);

        // And tenant B's own number with B's token works, landing in group B.
        using var ok = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, InboundForm("SM00000000000000000000000000000006", to: NumberB), TokenB));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, "SM00000000000000000000000000000006");
        Assert.That(stored!.Group, Is.EqualTo("group-b"));
    }

    [Test]
    public async Task Inbound_NumberWithoutConfig_ForbiddenUnlessTheAccountIsATenants()
    {
        await using var host = await StartWithTenantsAsync();
        await AssertForbiddenAsync(host, Signed(TestServerBase + InboundPath,
            InboundForm("SM00000000000000000000000000000007", to: "+14155550303", accountSid: "AC00000000000000000000000000000c0c"), TokenA));

        // A number no config lists, but of tenant A's account (the signature proves it): the message is A's.
        using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, InboundForm("SM00000000000000000000000000000017", to: "+14155550303"), TokenA));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, "SM00000000000000000000000000000017"))!.Group, Is.EqualTo("group-a"));
    }

    [Test]
    public async Task Inbound_AccountSidOfAnotherTenant_Forbidden()
    {
        await using var host = await StartWithTenantsAsync();

        // A's number, A's signature, but naming B's account: not a request Twilio would send, refused.
        await AssertForbiddenAsync(host, Signed(TestServerBase + InboundPath, InboundForm("SM00000000000000000000000000000018", accountSid: SidB), TokenA));
        Assert.That(await host.CountRowsAsync(PhoneProviders.Twilio, "SM00000000000000000000000000000018"), Is.Zero);
    }

    [Test]
    public async Task Inbound_BehindProxyWithPublicBaseUrl_ValidatesThePublicUrl()
    {
        await using var host = await StartWithTenantsAsync(o => o.PublicBaseUrl = new Uri("https://hooks.example.com/"));
        var form = InboundForm("SM00000000000000000000000000000008");

        // Twilio signed the public https URL; the app itself sees http://localhost.
        using var ok = await host.Client.SendAsync(Signed("https://hooks.example.com" + InboundPath + "?v=1", form, TokenA, InboundPath + "?v=1"));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ok.Content.ReadAsStringAsync());

        // A signature over the internal URL is not what Twilio would send once PublicBaseUrl is set.
        await AssertForbiddenAsync(host, Signed(TestServerBase + InboundPath, InboundForm("SM00000000000000000000000000000009"), TokenA));
    }

    [Test]
    public async Task Inbound_BehindProxyWithForwardedHeaders_ValidatesTheForwardedUrl()
    {
        await using var host = await StartWithTenantsAsync(forwardedHeaders: true);
        var request = Signed("https://public.example.org" + InboundPath, InboundForm("SM00000000000000000000000000000010"), TokenA);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "public.example.org");

        using var response = await host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Inbound_SameMessageSid20TimesConcurrently_OneRowAndOneHandlerCall()
    {
        var handler = new RecordingInboundHandler("Thanks!");
        await using var host = await StartWithTenantsAsync(handler: handler);
        const string sid = "SM00000000000000000000000000000011";

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, InboundForm(sid), TokenA));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(await host.CountRowsAsync(PhoneProviders.Twilio, sid), Is.EqualTo(1));
        Assert.That(handler.Calls, Is.EqualTo(1), "the host reacts once, not once per retry");
        Assert.That(responses.Count(r => r.Body.Contains("<Message>", StringComparison.Ordinal)), Is.EqualTo(1), "only one reply is sent");
    }

    [Test]
    public async Task Inbound_HandlerReplyWithAmpersandAndAngleBrackets_IsValidXmlWithTextIntact()
    {
        const string reply = "Tom & Jerry <3 \"quotes\" 'apos' ]]> & done";
        await using var host = await StartWithTenantsAsync(handler: new RecordingInboundHandler(reply));

        using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, InboundForm("SM00000000000000000000000000000012"), TokenA));
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/xml"));
        var xml = XDocument.Parse(text);
        Assert.That(xml.Root!.Name.LocalName, Is.EqualTo("Response"));
        Assert.That(xml.Root.Elements("Message").Single().Value, Is.EqualTo(reply));
    }

    [Test]
    public async Task Inbound_BodyOverTheLimit_PayloadTooLarge()
    {
        await using var host = await WebhookTestHost.StartAsync(configureWebhooks: o => o.MaxBodyBytes = 512);
        await host.AddTwilioConfigAsync("group-a", NumberA, SidA, TokenA);
        var form = InboundForm("SM00000000000000000000000000000013", body: new string('x', 2000));

        using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, form, TokenA));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Status_EveryPermutationOfQueuedSentDelivered_EndsDelivered()
    {
        await using var host = await StartWithTenantsAsync();
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        var permutations = Permutations(["queued", "sent", "delivered"]).ToList();
        Assert.That(permutations, Has.Count.EqualTo(6));

        var n = 0;
        foreach (var order in permutations)
        {
            var sid = $"SM{++n:D32}";
            await InsertOutboundAsync(host, sid, configA);
            foreach (var status in order)
            {
                using var response = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, status), TokenA));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid);
            Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Delivered), string.Join(" -> ", order));
        }
    }

    [Test]
    public async Task Status_LateSentAfterDelivered_Ignored()
    {
        await using var host = await StartWithTenantsAsync();
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        const string sid = "SM000000000000000000000000000000aa";
        await InsertOutboundAsync(host, sid, configA);

        (await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "delivered"), TokenA))).Dispose();
        using var late = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "sent"), TokenA));
        using var failed = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "failed", errorCode: "30003"), TokenA));

        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid);
        Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Delivered), "terminal stays terminal");
    }

    [Test]
    public async Task Status_UndeliveredWithErrorCode_Recorded()
    {
        await using var host = await StartWithTenantsAsync();
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        const string sid = "SM000000000000000000000000000000ab";
        await InsertOutboundAsync(host, sid, configA);

        using var response = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "undelivered", errorCode: "30005"), TokenA));

        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Undelivered));
            Assert.That(stored.ErrorCode, Is.EqualTo("30005"));
        });
    }

    [Test]
    public async Task Status_UnknownMessageSid_OkAndKeptForLater()
    {
        await using var host = await StartWithTenantsAsync();

        using var response = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm("SM0000000000000000000000000000ffff", "delivered"), TokenA));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // Vouched for by the account's config, so it is kept for the send that may not have stored the SID yet.
        Assert.That(host.Logs.Lines, Has.Some.Contains("SM0000000000000000000000000000ffff").And.Contains("kept"));
    }

    [Test]
    public async Task Status_BadSignature_Forbidden()
    {
        await using var host = await StartWithTenantsAsync();
        await AssertForbiddenAsync(host, Signed(TestServerBase + StatusPath, StatusForm("SM0000000000000000000000000000fffe", "delivered"), TokenB));
        await AssertForbiddenAsync(host, Signed(TestServerBase + StatusPath, StatusForm("SM0000000000000000000000000000fffe", "delivered"), token: null));
    }

    [Test]
    public async Task Status_AnotherAccountsReportForMyMessage_DoesNotMoveIt()
    {
        await using var host = await StartWithTenantsAsync();
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        const string sid = "SM000000000000000000000000000000ac";
        await InsertOutboundAsync(host, sid, configA);

        // Correctly signed by tenant B's account, about tenant A's message.
        using var response = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "failed", accountSid: SidB), TokenB));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid);
        Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Queued));
    }

    [Test]
    public async Task Status_RotatedTokenOnSecondConfigOfSameAccount_Accepted()
    {
        await using var host = await StartWithTenantsAsync();
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        // An inactive config of the same account carries the new token while the old one is still in use.
        var configs = host.Get<IPhoneConfigService>();
        var next = (await configs.CreateAsync(new PhoneConfig { Name = "next", Group = "group-a", IsActive = false, Provider = PhoneProviders.Twilio, Settings = new Dictionary<string, string> { ["from_number"] = "+14155550104" } })).Config;
        await configs.SetCredentialsAsync(next.Id, PhoneHub.Security.ProviderCredentials.ForTwilio(SidA, "rotated-token-of-tenant-a"));
        const string sid = "SM000000000000000000000000000000ad";
        await InsertOutboundAsync(host, sid, configA);

        using var response = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "sent"), "rotated-token-of-tenant-a"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid);
        Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Sent));
    }

    [Test]
    public async Task Status_UnknownStatusValue_OkAndUnchanged()
    {
        await using var host = await StartWithTenantsAsync();
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        const string sid = "SM000000000000000000000000000000b3";
        await InsertOutboundAsync(host, sid, configA);

        using var response = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "teleported"), TokenA));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid);
        Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Queued));
    }

    [Test]
    public async Task Inbound_NotFormEncoded_UnsupportedMediaType()
    {
        await using var host = await StartWithTenantsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, InboundPath) { Content = new StringContent("{\"MessageSid\":\"SM1\"}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(TwilioRequestValidator.SignatureHeader, "AAAA");

        using var response = await host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Inbound_GroupRequiresAuthorization_WebhookStaysAnonymous()
    {
        await using var host = await StartWithTenantsAsync();
        // Hosts commonly lock the whole group down; providers cannot log in, so the webhooks must stay reachable.
        var endpoints = host.App.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .Where(e => (e as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText?.Contains("webhook", StringComparison.Ordinal) == true)
            .ToList();

        Assert.That(endpoints, Has.Count.EqualTo(3));
        Assert.That(endpoints.Select(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>()), Has.All.Not.Null);
    }

    [Test]
    public async Task Webhooks_PlantedAuthToken_NeverInResponsesOrLogs()
    {
        const string planted = "PLANTED-auth-token-7f3c9e1d5b";
        await using var host = await WebhookTestHost.StartAsync(handler: new RecordingInboundHandler("ok"));
        await host.AddTwilioConfigAsync("group-p", NumberA, SidA, planted);
        var configP = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-p" })).Single();
        await InsertOutboundAsync(host, "SM000000000000000000000000000000ae", configP);

        var requests = new List<HttpRequestMessage>
        {
            Signed(TestServerBase + InboundPath, InboundForm("SM000000000000000000000000000000af"), planted),
            Signed(TestServerBase + InboundPath, InboundForm("SM000000000000000000000000000000b0"), "wrong-token"),
            Signed(TestServerBase + InboundPath, InboundForm("SM000000000000000000000000000000b1"), token: null),
            Signed(TestServerBase + InboundPath, InboundForm("SM000000000000000000000000000000b2", to: NumberB), planted),
            Signed(TestServerBase + StatusPath, StatusForm("SM000000000000000000000000000000ae", "delivered"), planted),
            Signed(TestServerBase + StatusPath, StatusForm("SM000000000000000000000000000000ff", "delivered"), planted),
            Signed(TestServerBase + StatusPath, StatusForm("SM000000000000000000000000000000ae", "sent"), "wrong-token"),
        };

        var bodies = new List<string>();
        foreach (var request in requests)
        {
            using var response = await host.Client.SendAsync(request);
            bodies.Add(await response.Content.ReadAsStringAsync());
            bodies.Add(response.Headers.ToString() + response.Content.Headers);
        }

        Assert.That(bodies, Has.None.Contains(planted));
        Assert.That(host.Logs.Lines, Is.Not.Empty);
        Assert.That(host.Logs.AllText, Does.Not.Contain(planted));
    }

    internal static async Task AssertForbiddenAsync(WebhookTestHost host, HttpRequestMessage request)
    {
        using var response = await host.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    private static Dictionary<string, string> StatusForm(string sid, string status, string? errorCode = null, string accountSid = SidA)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid,
            ["SmsSid"] = sid,
            ["AccountSid"] = accountSid,
            ["MessageStatus"] = status,
            ["SmsStatus"] = status,
            ["To"] = "+14155550999",
            ["From"] = NumberA,
        };
        if (errorCode is not null)
        {
            form["ErrorCode"] = errorCode;
        }

        return form;
    }

    // Finding 2: group B stored group A's AccountSid with B's own token on an inactive config, signed a status callback
    // with it, and moved A's message to undelivered.
    [Test]
    public async Task Status_ForgedWithAnotherTenantsAccountSidOnOwnInactiveConfig_DoesNotMoveIt()
    {
        await using var host = await StartWithTenantsAsync();
        var configs = host.Get<IPhoneConfigService>();
        var configA = (await configs.ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        const string sid = "SM000000000000000000000000000000f2";
        await InsertOutboundAsync(host, sid, configA);

        var decoy = (await configs.CreateAsync(new PhoneConfig { Name = "decoy", Group = "group-b", Provider = PhoneProviders.Twilio })).Config;
        await configs.SetCredentialsAsync(decoy.Id, PhoneHub.Security.ProviderCredentials.ForTwilio(SidA, "token-chosen-by-b"));

        using var response = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "undelivered", accountSid: SidA), "token-chosen-by-b"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid))!.Status, Is.EqualTo(SmsStatus.Queued));

        // The account's real token still moves it.
        using var real = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "delivered"), TokenA));
        Assert.That(real.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, sid))!.Status, Is.EqualTo(SmsStatus.Delivered));
    }

    [Test]
    public async Task Status_BeforeTheSendStoredTheSid_IsKeptAndAppliedWhenItIs()
    {
        await using var host = await StartWithTenantsAsync();
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();
        const string sid = "SM000000000000000000000000000000e1";

        using var early = await host.Client.SendAsync(Signed(TestServerBase + StatusPath, StatusForm(sid, "delivered"), TokenA));
        Assert.That(early.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The send completes afterwards and records the SID: the kept report applies.
        var store = host.Get<ISmsStore>();
        var message = await store.InsertAsync(new SmsMessage { Group = "group-a", ConfigId = configA.Id, To = "+14155550999", Body = "hi", Provider = PhoneProviders.Twilio, ProviderAccount = SidA, Created = DateTimeOffset.UtcNow, Modified = DateTimeOffset.UtcNow });
        Assert.That(message.Status, Is.EqualTo(SmsStatus.Queued));
        var pending = await store.TakePendingStatusesAsync(PhoneProviders.Twilio, sid);
        Assert.That(pending.Single().Status, Is.EqualTo(SmsStatus.Delivered));
        Assert.That(pending.Single().ConfigId, Is.EqualTo(configA.Id));
    }

    [Test]
    public async Task Inbound_MessagingServiceOnlyConfig_ReceivesWithItsGroup()
    {
        await using var host = await WebhookTestHost.StartAsync();
        var configs = host.Get<IPhoneConfigService>();
        const string service = "MG0000000000000000000000000000abcd";
        var config = (await configs.CreateAsync(new PhoneConfig
        {
            Name = "service", Group = "group-mg", Provider = PhoneProviders.Twilio, IsActive = true,
            Settings = new Dictionary<string, string> { [TwilioDefinition.MessagingServiceSid] = service },
        })).Config;
        await configs.SetCredentialsAsync(config.Id, PhoneHub.Security.ProviderCredentials.ForTwilio(SidA, TokenA));
        var form = InboundForm("SM000000000000000000000000000000d1", to: "+14155550777");
        form["MessagingServiceSid"] = service;

        using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, form, TokenA));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, "SM000000000000000000000000000000d1");
        Assert.That(stored!.Group, Is.EqualTo("group-mg"));
        Assert.That(stored.ConfigId, Is.EqualTo(config.Id));
    }

    [Test]
    public async Task Inbound_SeedCredentialNamesThroughRest_WorkEndToEnd()
    {
        await using var host = await WebhookTestHost.StartAsync();
        var configs = host.Get<IPhoneConfigService>();
        var config = (await configs.CreateAsync(new PhoneConfig
        {
            Name = "seed", Group = "group-seed", Provider = PhoneProviders.Twilio, IsActive = true,
            Settings = new Dictionary<string, string> { [TwilioDefinition.FromNumber] = NumberA },
        })).Config;
        using var admin = host.App.GetTestClient();
        admin.DefaultRequestHeaders.Add(Rest.Infrastructure.TestAuthHandler.UserHeader, "admin");
        admin.DefaultRequestHeaders.Add(Rest.Infrastructure.TestAuthHandler.GroupHeader, "group-seed");
        admin.DefaultRequestHeaders.Add(Rest.Infrastructure.TestAuthHandler.PermissionsHeader, "manage_phone_config");

        using var set = await admin.PostAsync($"{WebhookTestHost.Prefix}/config/{config.Id}/credentials",
            new StringContent($$"""{"twilio_account_sid":"{{SidA}}","twilio_auth_token":"{{TokenA}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await set.Content.ReadAsStringAsync());

        using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, InboundForm("SM000000000000000000000000000000c1"), TokenA));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Twilio, "SM000000000000000000000000000000c1"))!.Group, Is.EqualTo("group-seed"));
    }

    [Test]
    public async Task Inbound_OwnersCredentialsUnreadable_Answers503SoTwilioRetries_AndStoresNothing()
    {
        await using var host = await StartWithTenantsAsync(configureHub: o => { });
        var configA = (await host.Get<IPhoneConfigService>().ListAsync(new PhoneConfigQuery { Group = "group-a" })).Single();

        // As after a change of encryption key: the ciphertext no longer opens.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(host.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE phone_configs SET credentials = zeroblob(64) WHERE id = $id";
            command.Parameters.AddWithValue("$id", configA.Id);
            await command.ExecuteNonQueryAsync();
        }

        using var response = await host.Client.SendAsync(Signed(TestServerBase + InboundPath, InboundForm("SM000000000000000000000000000000b1"), TokenA));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(await host.CountRowsAsync(PhoneProviders.Twilio, "SM000000000000000000000000000000b1"), Is.Zero);
    }

    [TestCase(new byte[] { 0x54, 0x6F, 0x3D, 0xC3, 0x28, 0xFF })]
    [TestCase(new byte[] { 0x54, 0x6F, 0x3D, 0x25, 0x46, 0x46, 0x25, 0x45, 0x44, 0x25, 0x41, 0x30, 0x25, 0x38, 0x30 })]
    [TestCase(new byte[] { 0x3D, 0x3D, 0x26, 0x26, 0x25 })]
    public async Task Inbound_FormThatIsNotUtf8_Answers4xx(byte[] body)
    {
        await using var host = await StartWithTenantsAsync();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, InboundPath) { Content = content };
        request.Headers.Add("X-Twilio-Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        using var response = await host.Client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.InRange(400, 499), await response.Content.ReadAsStringAsync());
    }

    private static async Task InsertOutboundAsync(WebhookTestHost host, string sid, PhoneConfig config)
    {
        var now = DateTimeOffset.UtcNow;
        await host.Get<ISmsStore>().InsertAsync(new SmsMessage
        {
            Group = config.Group,
            ConfigId = config.Id,
            Direction = SmsDirection.Outbound,
            From = config.Setting("from_number"),
            ProviderAccount = config.Account,
            To = "+14155550999",
            Body = "hi",
            Status = SmsStatus.Queued,
            Provider = PhoneProviders.Twilio,
            ProviderMessageId = sid,
            Created = now,
            Modified = now,
        });
    }

    private static IEnumerable<string[]> Permutations(string[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (string[])[item, .. rest]));
}
