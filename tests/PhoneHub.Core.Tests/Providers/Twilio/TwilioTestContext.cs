using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>A real PhoneHub container with the Twilio provider whose HttpClients end in a <see cref="FakeTwilioHandler"/>; the resilience pipelines stay real.</summary>
internal sealed class TwilioTestContext : IDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "tok-5e1f0a2b3c4d5e6f7a8b9c0d1e2f3a4b";
    public const string ApiKeySid = "SK0123456789abcdef0123456789abcdef";
    public const string ApiKeySecret = "keysecret-9a8b7c6d5e4f3a2b1c0d";
    public const string FromNumber = "+15005550006";
    public const string MessagingServiceSid = "MG0123456789abcdef0123456789abcdef";

    private TwilioTestContext(PhoneHubTestHost host, FakeTwilioHandler handler)
    {
        Host = host;
        Handler = handler;
    }

    public PhoneHubTestHost Host { get; }

    public FakeTwilioHandler Handler { get; }

    public TwilioProvider Provider => Host.Get<TwilioProvider>();

    public static TwilioTestContext Create(
        Action<TwilioOptions>? twilio = null, Action<PhoneHubOptions>? hub = null, Action<IServiceCollection>? services = null, Action<IPhoneHubBuilder>? builder = null)
    {
        var handler = new FakeTwilioHandler();
        var host = PhoneHubTestHost.Create(
            b =>
            {
                b.AddTwilio(o =>
                {
                    o.ApiBaseUrl = new Uri("https://api.twilio.test");
                    o.LookupsBaseUrl = new Uri("https://lookups.twilio.test");
                    // No backoff by default, so retry tests need not move the clock; Retry-After still applies.
                    o.RetryBaseDelay = TimeSpan.Zero;
                    twilio?.Invoke(o);
                });
                builder?.Invoke(b);
            },
            hub,
            collection =>
            {
                services?.Invoke(collection);
                foreach (var name in new[] { TwilioHttpClientNames.Api, TwilioHttpClientNames.Messages, TwilioHttpClientNames.Lookups })
                {
                    collection.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => handler);
                }
            });
        return new TwilioTestContext(host, handler);
    }

    public static PhoneConfig Config(string? from = FromNumber, string? messagingService = null) => new()
    {
        Id = 7,
        Name = "Acme",
        Provider = PhoneProviders.Twilio,
        Settings = TestSettings.Of(("from_number", from), ("messaging_service_sid", messagingService)),
    };

    public static ProviderContext Context(ProviderCredentials? credentials = null, PhoneConfig? config = null) =>
        new(config ?? Config(), credentials ?? ProviderCredentials.ForTwilio(AccountSid, AuthToken));

    public static ProviderCredentials ApiKeyCredentials() => new(
    [
        new(ProviderCredentials.TwilioAccountSid, AccountSid),
        new(ProviderCredentials.TwilioApiKeySid, ApiKeySid),
        new(ProviderCredentials.TwilioApiKeySecret, ApiKeySecret),
    ]);

    public static SmsSendRequest Sms(string body = "Hello", string? from = null, params string[] media) =>
        new(42, "+14155552671", body, from, media);

    public void Dispose() => Host.Dispose();
}
