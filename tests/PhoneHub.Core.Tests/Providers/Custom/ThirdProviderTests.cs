using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Custom;

/// <summary>
/// A provider PhoneHub has never heard of, defined here only: its settings, identities and credentials are declared by
/// its definition, and it configures, sends and receives with no change to Core or to the schema.
/// </summary>
public partial class ThirdProviderTests
{
    private PhoneHubTestHost _host = null!;
    private PigeonPost _pigeons = null!;

    [SetUp]
    public void SetUp()
    {
        _pigeons = new PigeonPost();
        _host = PhoneHubTestHost.Create(b => b.AddProvider<PigeonPost>(), configureServices: s => s.AddSingleton(_pigeons));
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private IPhoneConfigService Configs => _host.Hub.Configs;

    [Test]
    public async Task CustomProvider_ConfiguresSendsAndReceives()
    {
        Assert.That(Configs.Providers.Select(p => p.Name), Does.Contain(PigeonPost.ProviderName));

        var config = (await Configs.CreateAsync(new PhoneConfig
        {
            Name = "loft",
            Group = "acme",
            Provider = PigeonPost.ProviderName,
            IsActive = true,
            Settings = new Dictionary<string, string> { ["station_number"] = "(415) 555-0100", ["loft"] = "LOFT-7", ["speed"] = "FAST" },
        })).Config;
        Assert.That(config.Settings["station_number"], Is.EqualTo("+14155550100"));
        Assert.That(config.Settings["speed"], Is.EqualTo("fast"), "stored in the declared spelling");
        Assert.That(config.Identities, Is.EquivalentTo(new[] { new ProviderIdentity(ProviderIdentityKinds.PhoneNumber, "+14155550100"), new ProviderIdentity("loft", "LOFT-7") }));

        await Configs.SetCredentialsAsync(config.Id, new ProviderCredentials([new("pigeon_key", "seed-key")]));

        var sent = await _host.Hub.SendSmsAsync("+14155551234", "coo", group: "acme");
        Assert.That(sent.Status, Is.EqualTo(SmsStatus.Sent));
        Assert.That(sent.Provider, Is.EqualTo(PigeonPost.ProviderName));
        Assert.That(sent.From, Is.EqualTo("+14155550100"));
        var flight = _pigeons.Flights.Single();
        Assert.That(flight.Loft, Is.EqualTo("LOFT-7"));
        Assert.That(flight.Key, Is.EqualTo("seed-key"), "the provider gets its own credential, under its canonical name");

        var received = await _host.Hub.HandleIncomingSmsAsync(new IncomingSms { Provider = PigeonPost.ProviderName, ProviderMessageId = "P-1", From = "+14155559999", To = "+14155550100", Body = "coo back" });
        Assert.That(received.Message.Group, Is.EqualTo("acme"));
        Assert.That(received.Message.ConfigId, Is.EqualTo(config.Id));
    }

    [Test]
    public async Task CustomProvider_SettingsCredentialsAndIdentitiesAreEnforcedFromItsDefinition()
    {
        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.CreateAsync(new PhoneConfig
        {
            Name = "bad",
            Provider = PigeonPost.ProviderName,
            IsActive = true,
            Settings = new Dictionary<string, string> { ["loft"] = "nope", ["speed"] = "warp", ["colour"] = "grey" },
        }))!;
        Assert.That(ex.Errors.Keys, Is.EquivalentTo(new[] { "settings.loft", "settings.speed", "settings.colour", "settings.station_number" }));

        var config = (await Configs.CreateAsync(new PhoneConfig
        {
            Name = "loft", Group = "acme", Provider = PigeonPost.ProviderName, IsActive = true,
            Settings = new Dictionary<string, string> { ["station_number"] = "+14155550100", ["loft"] = "LOFT-1" },
        })).Config;
        Assert.ThrowsAsync<PhoneHubValidationException>(() => Configs.SetCredentialsAsync(config.Id, new ProviderCredentials([new("auth_token", "x")])));
        Assert.ThrowsAsync<ProviderIdentityConflictException>(() => Configs.CreateAsync(new PhoneConfig
        {
            Name = "thief", Group = "globex", Provider = PigeonPost.ProviderName, IsActive = true,
            Settings = new Dictionary<string, string> { ["station_number"] = "+14155550101", ["loft"] = "LOFT-1" },
        }), "its own identity kind is exclusive too");
    }

    /// <summary>The provider: carries messages from a loft, with a key.</summary>
    public sealed partial class PigeonPost : ISmsProvider
    {
        public const string ProviderName = "pigeon-post";

        public ProviderDefinition Definition { get; } = new(
            ProviderName,
            [
                new ProviderSetting("station_number", ProviderSettingKind.PhoneNumber, "Where the loft receives") { IdentityKind = ProviderIdentityKinds.PhoneNumber, IsSender = true },
                new ProviderSetting("loft", ProviderSettingKind.Text, "The loft") { IdentityKind = "loft", Pattern = LoftPattern(), PatternDescription = "LOFT- and digits" },
                new ProviderSetting("speed", ProviderSettingKind.Choice, "How fast") { Choices = ["slow", "fast"] },
            ],
            [new ProviderCredentialField("key", "The loft key") { Aliases = ["pigeon_key"] }],
            validation =>
            {
                if (validation.Sends && !validation.Has("station_number"))
                {
                    validation.AddError("station_number", "A sending loft needs a station number.");
                }
            });

        public ConcurrentQueue<(string Loft, string? Key, string To)> Flights { get; } = new();

        public Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default)
        {
            Flights.Enqueue((context.Setting("loft")!, context.Credentials?.Get("key"), request.To));
            return Task.FromResult(new SmsSendResult { ProviderMessageId = "PIGEON-" + request.MessageId, From = context.Setting("station_number") });
        }

        public Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(ConnectionTestResult.Ok());

        [GeneratedRegex("^LOFT-[0-9]+$")]
        private static partial Regex LoftPattern();
    }
}
