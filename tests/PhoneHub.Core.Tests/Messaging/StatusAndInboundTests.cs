using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Messaging;

/// <summary>Status reports and inbound messages as Core handles them, whichever webhook (or caller) delivers them.</summary>
public class StatusAndInboundTests
{
    private PhoneHubTestHost _host = null!;
    private FakeProvider _provider = null!;
    private RecordingHandlers _handlers = null!;

    [SetUp]
    public void SetUp()
    {
        _provider = new FakeProvider();
        _handlers = new RecordingHandlers();
        _host = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), configureServices: s => s
            .AddSingleton(_provider)
            .AddSingleton<IInboundSmsHandler>(_handlers)
            .AddSingleton<ISmsStatusHandler>(_handlers));
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private ISmsService Sms => _host.Get<ISmsService>();

    private async Task<PhoneConfig> ConfigAsync(string? group, string from) => (await _host.Hub.Configs.CreateAsync(new PhoneConfig
    {
        Name = from,
        Group = group,
        Provider = "fake",
        IsActive = true,
        Settings = new Dictionary<string, string> { ["from_number"] = from },
    })).Config;

    [Test]
    public async Task StatusReport_ArrivingWhileTheSendIsInFlight_IsAppliedWhenTheSendStoresTheId()
    {
        var config = await ConfigAsync("acme", "+14155550100");
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var send = _host.Hub.SendSmsAsync("+14155551234", "hi", group: "acme");
        await _provider.FirstCall;

        // The provider has accepted it (its id is known to the provider) and reports delivery before our call returned.
        var id = $"FAKE-{(await Sms.ListAsync(new PhoneHub.Stores.SmsQuery { Group = "acme" })).Items.Single().Id}-1";
        Assert.That(await Sms.ApplyStatusAsync(new SmsStatusReport { Provider = "fake", ProviderMessageId = id, Status = SmsStatus.Delivered, ConfigId = config.Id }),
            Is.EqualTo(StatusUpdateOutcome.Pending));

        _provider.Gate.SetResult();
        var message = await send;
        Assert.That(message.ProviderMessageId, Is.EqualTo(id));
        Assert.That(message.Status, Is.EqualTo(SmsStatus.Delivered), "the early report was not dropped");
        Assert.That(_handlers.StatusChanges.Select(c => c.Status), Does.Contain(SmsStatus.Delivered));
    }

    [Test]
    public async Task StatusReport_WithoutAVoucher_ForAnUnknownId_IsNotKept()
    {
        Assert.That(await Sms.ApplyStatusAsync(new SmsStatusReport { Provider = "fake", ProviderMessageId = "nobody", Status = SmsStatus.Delivered }),
            Is.EqualTo(StatusUpdateOutcome.NotFound));
        Assert.That(await _host.Get<PhoneHub.Stores.ISmsStore>().TakePendingStatusesAsync("fake", "nobody"), Is.Empty);
    }

    [Test]
    public async Task StatusReport_FromAnotherAccountOrGroup_IsRefused()
    {
        var acme = await ConfigAsync("acme", "+14155550100");
        var globex = await ConfigAsync("globex", "+14155550101");
        var message = await _host.Hub.SendSmsAsync("+14155551234", "hi", group: "acme");
        await _host.Get<PhoneHub.Stores.ISmsStore>().UpdateAsync(message with { ProviderAccount = "ACCOUNT-A" });

        Assert.That(await Sms.ApplyStatusAsync(new SmsStatusReport { Provider = "fake", ProviderMessageId = message.ProviderMessageId!, Status = SmsStatus.Failed, Account = "ACCOUNT-B" }),
            Is.EqualTo(StatusUpdateOutcome.Refused));
        Assert.That(await Sms.ApplyStatusAsync(new SmsStatusReport { Provider = "fake", ProviderMessageId = message.ProviderMessageId!, Status = SmsStatus.Failed, ConfigId = globex.Id }),
            Is.EqualTo(StatusUpdateOutcome.Refused));
        Assert.That((await Sms.GetAsync(message.Id))!.Status, Is.EqualTo(SmsStatus.Sent));

        Assert.That(await Sms.ApplyStatusAsync(new SmsStatusReport { Provider = "fake", ProviderMessageId = message.ProviderMessageId!, Status = SmsStatus.Delivered, Account = "ACCOUNT-A", ConfigId = acme.Id }),
            Is.EqualTo(StatusUpdateOutcome.Updated));
    }

    [Test]
    public async Task Inbound_ToAConfigsNumber_RunsTheCoreHandlerOnceAndRepliesThroughThatConfig()
    {
        var config = await ConfigAsync("acme", "+14155550100");
        _handlers.Reply = "Thanks!";
        var incoming = new IncomingSms { Provider = "fake", ProviderMessageId = "IN-1", From = "+14155559999", To = "(415) 555-0100", Body = "hello" };

        var first = await Sms.HandleIncomingAsync(incoming);
        var retry = await Sms.HandleIncomingAsync(incoming);

        Assert.That(first.Created, Is.True);
        Assert.That(first.Message.Group, Is.EqualTo("acme"));
        Assert.That(first.Message.ConfigId, Is.EqualTo(config.Id));
        Assert.That(retry.Created, Is.False);
        Assert.That(_handlers.Inbound, Has.Count.EqualTo(1), "a provider's retry does not run the handler again");
        Assert.That(first.ReplyMessage, Is.Not.Null);
        Assert.That(first.ReplyMessage!.To, Is.EqualTo("+14155559999"));
        Assert.That(first.ReplyMessage.From, Is.EqualTo("+14155550100"), "from the number that received the message");
        Assert.That(first.ReplyMessage.Group, Is.EqualTo("acme"));
        Assert.That(_provider.Sent.Single().Request.Body, Is.EqualTo("Thanks!"));
    }

    [Test]
    public async Task Inbound_BoundToNoConfig_IsStoredWithoutGroupAndGetsNoReply()
    {
        await ConfigAsync(null, "+14155550100");
        _handlers.Reply = "Thanks!";

        var result = await Sms.HandleIncomingAsync(new IncomingSms { Provider = "fake", ProviderMessageId = "IN-2", From = "+14155559999", To = "+14155550999", Body = "hello" });

        Assert.That(result.Message.Group, Is.Null);
        Assert.That(result.Message.ConfigId, Is.Null);
        Assert.That(result.Reply, Is.Null);
        Assert.That(_provider.SendCalls, Is.Zero, "no reply through the system default to a number the sender chose");
    }

    [Test]
    public async Task Inbound_ReplyByProvider_ReturnsTheReplyWithoutSending()
    {
        await ConfigAsync("acme", "+14155550100");
        _handlers.Reply = "<TwiML reply>";

        var result = await Sms.HandleIncomingAsync(new IncomingSms { Provider = "fake", ProviderMessageId = "IN-3", From = "+14155559999", To = "+14155550100", Body = "hi", ReplyByProvider = true });

        Assert.That(result.Reply, Is.EqualTo("<TwiML reply>"));
        Assert.That(result.ReplyMessage, Is.Null);
        Assert.That(_provider.SendCalls, Is.Zero);
    }

    private sealed class RecordingHandlers : IInboundSmsHandler, ISmsStatusHandler
    {
        public string? Reply { get; set; }

        public List<SmsMessage> Inbound { get; } = [];

        public List<SmsMessage> StatusChanges { get; } = [];

        public ValueTask<string?> HandleAsync(SmsMessage message, CancellationToken cancellationToken)
        {
            lock (Inbound)
            {
                Inbound.Add(message);
            }

            return ValueTask.FromResult(Reply);
        }

        public ValueTask OnStatusChangedAsync(SmsMessage message, SmsStatus previous, CancellationToken cancellationToken)
        {
            lock (StatusChanges)
            {
                StatusChanges.Add(message);
            }

            return ValueTask.CompletedTask;
        }
    }
}
