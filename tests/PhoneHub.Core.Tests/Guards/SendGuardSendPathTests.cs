using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using PhoneHub.Configuration;
using PhoneHub.Guards;
using PhoneHub.Guards.OptOuts;
using PhoneHub.Guards.Pumping;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Core.Tests.Guards;

// The guards on a real send path (SQLite file, fake clock), with a provider that counts its calls: what is refused
// never reaches it, and its "opted out" refusals (Twilio 21610) put the number on the list.
[TestFixture]
public sealed class SendGuardSendPathTests
{
    private const string Recipient = "+14155551234";

    private PhoneHubTestHost _host = null!;
    private ISmsProvider _provider = null!;

    [SetUp]
    public void SetUp()
    {
        _provider = Substitute.For<ISmsProvider>();
        _provider.Name.Returns("fake");
        var fake = new FakeProvider().Definition;
        _provider.Definition.Returns(new ProviderDefinition("fake", fake.Settings, fake.Credentials)
        {
            OptOutErrorCodes = new HashSet<string>(StringComparer.Ordinal) { "21610" },
        });
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .Returns(call => new SmsSendResult { ProviderMessageId = "P" + call.Arg<SmsSendRequest>().MessageId, Status = SmsStatus.Sent });
        _host = PhoneHubTestHost.Create(configureServices: s => s.AddSingleton(_provider));
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private async Task AddConfigAsync(SendGuardSettings? guards = null) =>
        await _host.Hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "default",
            Provider = "fake",
            IsActive = true,
            Settings = new Dictionary<string, string> { ["from_number"] = "+14155550100" },
            Guards = guards ?? SendGuardSettings.Default,
        });

    private int ProviderCalls => _provider.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(ISmsProvider.SendAsync));

    [Test]
    public async Task SendSmsAsync_OptedOutNumber_StoredAsOptedOutWithNoProviderCall()
    {
        await AddConfigAsync();
        Assert.That(await _host.Hub.OptOuts.OptOutAsync(Recipient, user: "ada"), Is.True);

        var refused = await _host.Hub.SendSmsAsync(Recipient, "hello");

        Assert.That(ProviderCalls, Is.Zero);
        var stored = (await _host.Get<ISmsStore>().GetAsync(refused.Id))!;
        Assert.That((stored.Status, stored.ErrorCode), Is.EqualTo((SmsStatus.Failed, GuardReasons.OptedOut)));

        // Another number still goes, and the opted-out one goes again once it opts back in.
        await _host.Hub.SendSmsAsync("+14155559876", "hello");
        Assert.That(ProviderCalls, Is.EqualTo(1));
        Assert.That(await _host.Hub.OptOuts.OptInAsync(Recipient, user: "ada"), Is.True);
        var sent = await _host.Hub.SendSmsAsync(Recipient, "hello again");
        Assert.That((sent.Status, ProviderCalls), Is.EqualTo((SmsStatus.Sent, 2)));
    }

    [Test]
    public async Task SendSmsAsync_ProviderRefuses21610_AddsTheNumberToTheList()
    {
        await AddConfigAsync();
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SmsProviderException("21610", "Attempt to send to unsubscribed recipient"));

        var failed = await _host.Hub.SendSmsAsync(Recipient, "hello");

        Assert.That((failed.Status, failed.ErrorCode), Is.EqualTo((SmsStatus.Failed, "21610")));
        Assert.That(await _host.Hub.OptOuts.IsOptedOutAsync(Recipient), Is.True);
        var change = (await _host.Hub.OptOuts.ListChangesAsync(new OptOutQuery { PhoneNumber = Recipient })).Items.Single();
        Assert.That((change.Action, change.Source), Is.EqualTo((OptOutAction.OptOut, OptOutSource.Provider)));
        Assert.That(change.Detail, Does.Contain("21610"));

        var next = await _host.Hub.SendSmsAsync(Recipient, "hello?");
        Assert.That((next.ErrorCode, ProviderCalls), Is.EqualTo((GuardReasons.OptedOut, 1)), "the next send never reaches the provider");
    }

    [Test]
    public async Task ApplyStatusAsync_StatusCallbackWith21610_AddsTheNumberToTheList()
    {
        await AddConfigAsync();
        var sent = await _host.Hub.SendSmsAsync(Recipient, "hello");

        await _host.Get<ISmsService>().ApplyStatusAsync(new SmsStatusReport { Provider = "fake", ProviderMessageId = sent.ProviderMessageId!, Status = SmsStatus.Undelivered, ErrorCode = "21610" });

        Assert.That(await _host.Hub.OptOuts.IsOptedOutAsync(Recipient), Is.True);
    }

    [Test]
    public async Task SendSmsAsync_DefaultCountryAllowList_SendsAbroadAsBeforeTheGuards()
    {
        await AddConfigAsync();

        var sent = await _host.Hub.SendSmsAsync("+442071838750", "hello from a US number");

        Assert.That((sent.Status, sent.Country, ProviderCalls), Is.EqualTo((SmsStatus.Sent, "GB", 1)));
    }

    [Test]
    public async Task SendSmsAsync_CountryOutsideTheConfiguredList_RefusedWithNoProviderCall()
    {
        await AddConfigAsync(SendGuardSettings.Default with { Pumping = new PumpingSettings { AllowedCountries = ["US", "CA"] } });

        var refused = await _host.Hub.SendSmsAsync("+442071838750", "hello");
        var sent = await _host.Hub.SendSmsAsync(Recipient, "hello");

        Assert.That((refused.Status, refused.ErrorCode), Is.EqualTo((SmsStatus.Failed, GuardReasons.CountryNotAllowed)));
        Assert.That((sent.Status, ProviderCalls), Is.EqualTo((SmsStatus.Sent, 1)));
    }
}
