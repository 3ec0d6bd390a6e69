using System.Net;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>The provider through the whole stack: IPhoneHub, stored config with encrypted credentials, the SQLite store.</summary>
[TestFixture]
public sealed class TwilioEndToEndTests
{
    private static async Task<PhoneConfig> AddTwilioConfigAsync(TwilioTestContext t, ProviderCredentials? credentials = null)
    {
        var config = (await t.Host.Hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "Acme",
            Provider = PhoneProviders.Twilio,
            IsActive = true,
            Settings = TestSettings.Of(("from_number", TwilioTestContext.FromNumber)),
        })).Config;
        await t.Host.Hub.Configs.SetCredentialsAsync(config.Id, credentials ?? ProviderCredentials.ForTwilio(TwilioTestContext.AccountSid, TwilioTestContext.AuthToken));
        return config;
    }

    [Test]
    public async Task SendSmsAsync_TwilioAccepts_StoresSidStatusSegmentsAndPrice()
    {
        using var t = TwilioTestContext.Create(hub: o => o.PublicBaseUrl = new Uri("https://app.example.com"));
        await AddTwilioConfigAsync(t);
        t.Handler.Respond(HttpStatusCode.Created, """
            {"sid":"SMfedcba9876543210fedcba9876543210","status":"accepted","num_segments":"3","price":"-0.02250","price_unit":"EUR",
             "error_code":null,"error_message":null,"from":"+15005550006"}
            """);

        var sent = await t.Host.Hub.SendSmsAsync("+1 415 555 2671", "Hello from PhoneHub");
        var stored = await t.Host.Hub.Messages.GetAsync(sent.Id);

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.BasicCredentials, Is.EqualTo($"{TwilioTestContext.AccountSid}:{TwilioTestContext.AuthToken}"));
            Assert.That(request.FormValue("To"), Is.EqualTo("+14155552671"));
            Assert.That(request.FormValue("From"), Is.EqualTo(TwilioTestContext.FromNumber));
            Assert.That(request.FormValue("StatusCallback"), Is.EqualTo("https://app.example.com/api/phonehub/sms/webhook/twilio/status"));

            Assert.That(stored, Is.Not.Null);
            Assert.That(stored!.Provider, Is.EqualTo("twilio"));
            Assert.That(stored.ProviderMessageId, Is.EqualTo("SMfedcba9876543210fedcba9876543210"));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Accepted));
            Assert.That(stored.Segments, Is.EqualTo(3));
            Assert.That(stored.Price, Is.EqualTo(-0.0225m));
            Assert.That(stored.PriceUnit, Is.EqualTo("EUR"));
            Assert.That(stored.From, Is.EqualTo("+15005550006"));
            Assert.That(stored.ErrorCode, Is.Null);
        });
    }

    [Test]
    public async Task SendSmsAsync_TwilioRefuses_StoresFailedMessageWithTwilioCode()
    {
        using var t = TwilioTestContext.Create();
        await AddTwilioConfigAsync(t);
        t.Handler.Respond(HttpStatusCode.BadRequest, """
            {"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}
            """);

        var sent = await t.Host.Hub.SendSmsAsync("+14155552671", "Hello");
        var stored = await t.Host.Hub.Messages.GetAsync(sent.Id);

        Assert.Multiple(() =>
        {
            Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(stored.ErrorCode, Is.EqualTo("21610"));
            Assert.That(stored.ErrorMessage, Does.Contain("unsubscribed recipient"));
            Assert.That(stored.ProviderMessageId, Is.Null);
            TwilioSendTests.AssertNoSecrets(stored.ErrorMessage);
        });
    }

    [Test]
    public async Task SendSmsAsync_TwilioServerError_StoresOutcomeUnknownAfterOneRequest()
    {
        using var t = TwilioTestContext.Create();
        await AddTwilioConfigAsync(t);
        t.Handler.Respond(HttpStatusCode.ServiceUnavailable, "");

        var sent = await t.Host.Hub.SendSmsAsync("+14155552671", "Hello");
        var stored = await t.Host.Hub.Messages.GetAsync(sent.Id);

        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(stored.ErrorCode, Is.EqualTo("outcome_unknown"));
        });
    }

    [Test]
    public async Task SendSmsAsync_MmsWithApiKey_SendsRepeatedMediaUrls()
    {
        using var t = TwilioTestContext.Create();
        await AddTwilioConfigAsync(t, TwilioTestContext.ApiKeyCredentials());
        t.Handler.Respond(HttpStatusCode.Created, """{"sid":"MM0123456789abcdef0123456789abcdef","status":"queued","num_segments":"1"}""");

        var sent = await t.Host.Hub.SendSmsAsync(new SendSmsRequest
        {
            To = "+14155552671",
            Body = "",
            MediaUrls = ["https://example.com/a.jpg", "https://example.com/b.jpg"],
        });

        var request = t.Handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(sent.ProviderMessageId, Is.EqualTo("MM0123456789abcdef0123456789abcdef"));
            Assert.That(request.BasicCredentials, Is.EqualTo($"{TwilioTestContext.ApiKeySid}:{TwilioTestContext.ApiKeySecret}"));
            Assert.That(request.FormValues("MediaUrl"), Is.EqualTo(new[] { "https://example.com/a.jpg", "https://example.com/b.jpg" }));
        });
    }

    [Test]
    public async Task LookupAsync_TwilioConfig_StoresLineTypeCallerAndRawData()
    {
        using var t = TwilioTestContext.Create();
        await AddTwilioConfigAsync(t);
        const string json = """
            {"calling_country_code":"1","country_code":"US","phone_number":"+14155552671","valid":true,"validation_errors":[],
             "line_type_intelligence":{"carrier_name":"T-Mobile USA, Inc.","type":"mobile","error_code":null},
             "caller_name":{"caller_name":"ACME INC","caller_type":"BUSINESS","error_code":null}}
            """;
        t.Handler.Respond(HttpStatusCode.OK, json);

        var number = await t.Host.Hub.LookupAsync("(415) 555-2671");

        Assert.Multiple(() =>
        {
            Assert.That(number.E164, Is.EqualTo("+14155552671"));
            Assert.That(number.LookupProvider, Is.EqualTo("twilio"));
            Assert.That(number.IsValid, Is.True);
            Assert.That(number.LineType, Is.EqualTo(LineTypes.Mobile));
            Assert.That(number.IsMobile, Is.True);
            Assert.That(number.IsVoip, Is.False);
            Assert.That(number.Carrier, Is.EqualTo("T-Mobile USA, Inc."));
            Assert.That(number.CallerName, Is.EqualTo("ACME INC"));
            Assert.That(number.CallerType, Is.EqualTo(CallerType.Business));
            Assert.That(number.Region, Is.EqualTo("US"));
            Assert.That(number.CountryCode, Is.EqualTo("1"));
            Assert.That(number.LookupData, Is.EqualTo(json));
        });
    }

    [Test]
    public async Task TestConnectionAsync_StoredTwilioConfig_UsesStoredCredentials()
    {
        using var t = TwilioTestContext.Create();
        var config = await AddTwilioConfigAsync(t);
        t.Handler.Respond(HttpStatusCode.OK, $$"""{"sid":"{{TwilioTestContext.AccountSid}}","friendly_name":"Acme","status":"active"}""");

        var result = await t.Host.Hub.Configs.TestConnectionAsync(config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.Success, Is.True);
            Assert.That(result.AccountName, Is.EqualTo("Acme"));
            Assert.That(t.Handler.Requests.Single().BasicCredentials, Is.EqualTo($"{TwilioTestContext.AccountSid}:{TwilioTestContext.AuthToken}"));
        });
    }
}
