using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>
/// The real client against Prism serving Twilio's own OpenAPI documents from ../shared/specs: Prism answers 4xx
/// when a request breaks Twilio's schema (required fields, formats, SID patterns, auth header), so a 2xx here means
/// the request is what Twilio documents. Ignored with a reason outside CI when Prism or the specs are missing; failed in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TwilioPrismConformanceTests
{
    // A realistic SID: Prism checks the path against ^AC[0-9a-fA-F]{32}$.
    private const string AccountSid = "AC5ef8732a3c49700934481addd5ce1659";
    private const string AuthToken = "prism-token-not-checked";
    private const string To = "+14155552671";

    private PrismServer? _messaging;
    private PrismServer? _messagingCompat;
    private PrismServer? _lookups;

    [OneTimeSetUp]
    public async Task StartPrismAsync()
    {
        var messagingSpec = SharedSpecs.PathOf("twilio_api_v2010_messaging.json");
        var compatSpec = SharedSpecs.PathOf("twilio_api_v2010_messaging.prism-compat.json");
        var lookupsSpec = SharedSpecs.PathOf("twilio_lookups_v2.json");
        var prism = PrismServer.RequireExecutable();

        var starts = new[]
        {
            PrismServer.StartAsync(prism, messagingSpec),
            PrismServer.StartAsync(prism, compatSpec),
            PrismServer.StartAsync(prism, lookupsSpec),
        };
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }

        (_messaging, _messagingCompat, _lookups) = (starts[0].Result, starts[1].Result, starts[2].Result);
    }

    [OneTimeTearDown]
    public async Task StopPrismAsync()
    {
        foreach (var server in new[] { _messaging, _messagingCompat, _lookups })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task SendAsync_Sms_TwilioSpecAcceptsRequest()
    {
        using var t = Host(_messaging!);

        var result = await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hello from PhoneHub + Prism", null, []), Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.Created }));
            AssertSpecCreateExample(result);
        });
    }

    [Test]
    public async Task SendAsync_SmsWithStatusCallbackAndMessagingService_TwilioSpecAcceptsRequest()
    {
        using var t = Host(_messaging!, publicBaseUrl: new Uri("https://app.example.com"));
        var config = new PhoneConfig { Name = "Acme", Provider = PhoneProviders.Twilio, Settings = TestSettings.Of(("messaging_service_sid", "MG9752274e9e519418a7406176694466fa")) };

        var result = await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hello", null, []), Context(config: config));

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.Created }));
            AssertSpecCreateExample(result);
        });
    }

    [Test]
    public async Task SendAsync_SmsWithApiKey_TwilioSpecAcceptsRequest()
    {
        using var t = Host(_messaging!);
        var credentials = new ProviderCredentials(
        [
            new(ProviderCredentials.TwilioAccountSid, AccountSid),
            new(ProviderCredentials.TwilioApiKeySid, "SK2a0747eba6abf96b7e3c3ff0b4530f6e"),
            new(ProviderCredentials.TwilioApiKeySecret, "secret"),
        ]);

        var result = await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hello", null, []), Context(credentials));

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.Created }));
            AssertSpecCreateExample(result);
        });
    }

    [Test]
    public async Task SendAsync_Sms_CompatSpecAcceptsRequest()
    {
        using var t = Host(_messagingCompat!);

        var result = await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hello", null, []), Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.Created }));
            AssertSpecCreateExample(result);
        });
    }

    [Test]
    public async Task SendAsync_Mms_CompatSpecAcceptsRepeatedMediaUrl()
    {
        // Served from the prism-compat variant: Prism 5.16 rejects repeated form keys against the unmodified spec
        // (stoplightio/prism#2473), although repeated keys are how Twilio takes arrays.
        using var t = Host(_messagingCompat!, publicBaseUrl: new Uri("https://app.example.com"));

        var result = await t.Provider.SendAsync(
            new SmsSendRequest(1, To, "Look", null, ["https://example.com/a.jpg", "https://example.com/b.png"]),
            Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.Created }));
            AssertSpecCreateExample(result);
        });
    }

    [Test]
    public async Task Prism_RequestBreakingTheSpec_IsRefused()
    {
        // Guards the other tests against a mock that accepts anything: a create without 'To' must get a 4xx.
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_messaging!.BaseUrl, $"/2010-04-01/Accounts/{AccountSid}/Messages.json"))
        {
            Content = new FormUrlEncodedContent([new("From", "+15005550006"), new("Body", "Hello")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));

        using var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }

    [Test]
    public async Task TestConnectionAsync_AccountFetch_TwilioSpecAcceptsRequest()
    {
        using var t = Host(_messaging!);

        var result = await t.Provider.TestConnectionAsync(Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.OK }));
            Assert.That(result.Success, Is.True, result.Message);
            Assert.That(result.AccountStatus, Is.EqualTo("active"));
            Assert.That(result.AccountName, Is.EqualTo("friendly_name"));
        });
    }

    [Test]
    public async Task LookupAsync_Plain_TwilioSpecAcceptsRequest()
    {
        using var t = Host(_messaging!);

        var result = await t.Provider.LookupAsync(To, Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.OK }));
            Assert.That(t.Wire.Uris.Single().PathAndQuery, Is.EqualTo("/v2/PhoneNumbers/%2B14155552671?Fields=line_type_intelligence,caller_name"));
            Assert.That(result.Provider, Is.EqualTo("twilio"));
            Assert.That(result.IsValid, Is.True);
            Assert.That(result.Region, Is.EqualTo("US"));
            Assert.That(result.CountryCode, Is.EqualTo("1"));
            Assert.That(result.LineType, Is.Null);
            Assert.That(result.CallerName, Is.Null);
            Assert.That(result.RawData, Does.Contain("+14159929960"));
        });
    }

    [Test]
    public async Task LookupAsync_LineTypeIntelligenceExample_MapsLineTypeAndCarrier()
    {
        using var t = Host(_messaging!, prefer: "example=fetchLineTypeIntelligence");

        var result = await t.Provider.LookupAsync(To, Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.OK }));
            Assert.That(result.LineType, Is.EqualTo(LineTypes.NonFixedVoip));
            Assert.That(result.IsVoip, Is.True);
            Assert.That(result.IsMobile, Is.False);
            Assert.That(result.Carrier, Is.EqualTo("Twilio - SMS/MMS-SVR"));
        });
    }

    [Test]
    public async Task LookupAsync_CallerNameExample_MapsCallerNameAndType()
    {
        using var t = Host(_messaging!, prefer: "example=fetchCallerName");

        var result = await t.Provider.LookupAsync(To, Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.OK }));
            Assert.That(result.CallerName, Is.EqualTo("Sergio Suarez"));
            Assert.That(result.CallerType, Is.EqualTo(CallerType.Consumer));
        });
    }

    [Test]
    public async Task LookupAsync_InvalidExample_MapsInvalid()
    {
        using var t = Host(_messaging!, prefer: "example=fetchInvalid");

        var result = await t.Provider.LookupAsync(To, Context());

        Assert.Multiple(() =>
        {
            Assert.That(t.Wire.Statuses, Is.EqualTo(new[] { HttpStatusCode.OK }));
            Assert.That(result.IsValid, Is.False);
            Assert.That(result.Region, Is.Null);
        });
    }

    [Test]
    public async Task PhoneHub_TwilioConfigAgainstPrism_SendsAndLooksUpAndStores()
    {
        using var t = Host(_messaging!, publicBaseUrl: new Uri("https://app.example.com"), prefer: "example=fetchLineTypeIntelligence");
        var hub = t.Host.Hub;
        var config = (await hub.Configs.CreateAsync(new PhoneConfig { Name = "Acme", Provider = PhoneProviders.Twilio, IsActive = true, Settings = TestSettings.Of(("from_number", "+15005550006")) })).Config;
        await hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio(AccountSid, AuthToken));

        var sent = await hub.SendSmsAsync("(415) 555-2671", "Hello");
        var stored = await hub.Messages.GetAsync(sent.Id);
        var number = await hub.LookupAsync("(415) 555-2671");
        var connection = await hub.Configs.TestConnectionAsync(config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Queued));
            Assert.That(stored.ProviderMessageId, Is.EqualTo("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
            Assert.That(stored.ErrorCode, Is.Null);
            Assert.That(number.LookupProvider, Is.EqualTo("twilio"));
            Assert.That(number.LineType, Is.EqualTo(LineTypes.NonFixedVoip));
            Assert.That(number.LookupData, Does.Contain("line_type_intelligence"));
            Assert.That(connection!.Success, Is.True);
            Assert.That(t.Wire.Statuses, Is.All.InRange(HttpStatusCode.OK, (HttpStatusCode)299));
        });
    }

    private static void AssertSpecCreateExample(SmsSendResult result)
    {
        // Prism answers with the spec's static 'create' example, whatever was sent.
        Assert.That(result.ProviderMessageId, Is.EqualTo("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        Assert.That(result.Status, Is.EqualTo(SmsStatus.Queued));
        Assert.That(result.Segments, Is.EqualTo(1));
        Assert.That(result.Price, Is.Null);
        Assert.That(result.From, Is.EqualTo("+14155552345"));
        Assert.That(result.ErrorCode, Is.Null);
    }

    private static ProviderContext Context(ProviderCredentials? credentials = null, PhoneConfig? config = null) => new(
        config ?? new PhoneConfig { Id = 1, Name = "Acme", Provider = PhoneProviders.Twilio, Settings = TestSettings.Of(("from_number", "+15005550006")) },
        credentials ?? ProviderCredentials.ForTwilio(AccountSid, AuthToken));

    private PrismHost Host(PrismServer api, Uri? publicBaseUrl = null, string? prefer = null)
    {
        var wire = new WireLog(prefer);
        var host = PhoneHubTestHost.Create(
            b => b.AddTwilio(o =>
            {
                o.ApiBaseUrl = api.BaseUrl;
                o.LookupsBaseUrl = _lookups!.BaseUrl;
                o.RequestTimeout = TimeSpan.FromSeconds(30);
            }),
            o => o.PublicBaseUrl = publicBaseUrl,
            services =>
            {
                // Real time for real sockets, so the pipeline's timeouts can fire.
                services.AddSingleton(TimeProvider.System);
                foreach (var name in new[] { TwilioHttpClientNames.Api, TwilioHttpClientNames.Messages, TwilioHttpClientNames.Lookups })
                {
                    services.AddHttpClient(name).AddHttpMessageHandler(() => new WireHandler(wire));
                }
            });
        return new PrismHost(host, wire);
    }

    private sealed class PrismHost(PhoneHubTestHost host, WireLog wire) : IDisposable
    {
        public PhoneHubTestHost Host { get; } = host;

        public WireLog Wire { get; } = wire;

        public TwilioProvider Provider => Host.Get<TwilioProvider>();

        public void Dispose() => Host.Dispose();
    }

    /// <summary>What went over the wire, and the Prefer header to add (Prism picks a named example from it).</summary>
    private sealed class WireLog(string? prefer)
    {
        private readonly ConcurrentQueue<(Uri Uri, HttpStatusCode Status)> _exchanges = new();

        public string? Prefer { get; } = prefer;

        public HttpStatusCode[] Statuses => _exchanges.Select(e => e.Status).ToArray();

        public Uri[] Uris => _exchanges.Select(e => e.Uri).ToArray();

        public void Add(Uri uri, HttpStatusCode status) => _exchanges.Enqueue((uri, status));
    }

    private sealed class WireHandler(WireLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (log.Prefer is not null && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.StartsWith("/v2/", StringComparison.Ordinal))
            {
                request.Headers.TryAddWithoutValidation("Prefer", log.Prefer);
            }

            var response = await base.SendAsync(request, cancellationToken);
            log.Add(request.RequestUri!, response.StatusCode);
            return response;
        }
    }
}
